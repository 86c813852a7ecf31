// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BlocklistToken
/// @notice TEST ONLY. Refuses transfers to blocked addresses (like USDC's blacklist), in one of
///         three ways: revert, return false, or revert with a huge blob of return data.
contract BlocklistToken is ERC20 {
    /// @notice How a blocked transfer fails.
    enum Mode {
        Revert,
        ReturnFalse,
        ReturnBomb
    }

    /// @notice The current failure mode.
    Mode public mode;
    /// @notice Blocked recipients.
    mapping(address account => bool) public blocked;

    /// @notice Raised in `Revert` mode.
    error Blocked(address account);

    constructor() ERC20("Blocklist Token", "BLK") {}

    /// @notice Mint `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Block or unblock `account`.
    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    /// @notice Choose how blocked transfers fail.
    function setMode(Mode value) external {
        mode = value;
    }

    /// @notice ERC-20 transfer that fails for blocked recipients.
    function transfer(address to, uint256 value) public override returns (bool) {
        if (blocked[to]) {
            if (mode == Mode.ReturnFalse) return false;
            if (mode == Mode.ReturnBomb) {
                assembly {
                    revert(0, 60000)
                }
            }
            revert Blocked(to);
        }
        return super.transfer(to, value);
    }
}
