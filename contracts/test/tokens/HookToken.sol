// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

interface ITokenReceiver {
    function onTokenTransfer(address from, uint256 amount) external;
}

/// @title HookToken
/// @notice TEST ONLY. Calls `onTokenTransfer` on contract recipients after every transfer (like
///         ERC-777 / ERC-1363 hooks), giving them a chance to re-enter the sender.
contract HookToken is ERC20 {
    constructor() ERC20("Hook Token", "HOOK") {}

    /// @notice Mint `amount` to `to` (no hook).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice ERC-20 transfer followed by the recipient's hook.
    function transfer(address to, uint256 value) public override returns (bool) {
        super.transfer(to, value);
        if (to.code.length > 0) ITokenReceiver(to).onTokenTransfer(msg.sender, value);
        return true;
    }
}
