// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title StipendSender
/// @notice TEST ONLY. Pays with Solidity's `transfer` (2,300-gas stipend), as old wallets and
///         contracts do.
contract StipendSender {
    receive() external payable {}

    function send(address payable to, uint256 amount) external {
        to.transfer(amount);
    }
}
