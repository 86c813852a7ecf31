// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice TEST ONLY. A plain ERC-20 (a custom gas token, say) that anyone can mint.
contract TestToken is ERC20 {
    constructor() ERC20("Test Gas Token", "TGT") {}

    /// @notice Mint `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
