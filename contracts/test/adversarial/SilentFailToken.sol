// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title SilentFailToken
/// @notice TEST ONLY. A token that answers `true` to a transfer to a blocked recipient but moves
///         nothing (some blocklist / paused-token implementations "succeed" silently).
contract SilentFailToken is ERC20 {
    mapping(address account => bool) public blocked;

    constructor() ERC20("Silent Fail Token", "SFT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (blocked[to]) return true;
        return super.transfer(to, value);
    }
}
