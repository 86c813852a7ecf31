// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title SenderFeeToken
/// @notice TEST ONLY. A fee-on-transfer token that charges the sender 1% on top of the amount sent
///         (the recipient gets the full amount), so a sender loses more than it sent.
contract SenderFeeToken is ERC20 {
    /// @notice Where the fees go.
    address public constant FEE_COLLECTOR = address(0xFEE);

    constructor() ERC20("Sender Fee Token", "SFEE") {}

    /// @notice Mint freely (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) super._update(from, FEE_COLLECTOR, value / 100);
        super._update(from, to, value);
    }
}
