// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DoubleEntryToken
/// @notice TEST ONLY. A token reachable at two addresses over the same balances, like the legacy
///         "double entry point" tokens: `SECOND_ENTRY` answers `balanceOf` and `transfer` from this
///         token's ledger.
contract DoubleEntryToken is ERC20 {
    /// @notice The token's second address.
    DoubleEntryFront public immutable SECOND_ENTRY;

    error NotFront();

    constructor() ERC20("Double Entry Token", "DBL") {
        SECOND_ENTRY = new DoubleEntryFront(this);
    }

    /// @notice Mint freely (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice A transfer made through the second address on behalf of `from`.
    function transferFromFront(address from, address to, uint256 value) external returns (bool) {
        if (msg.sender != address(SECOND_ENTRY)) revert NotFront();
        _transfer(from, to, value);
        return true;
    }
}

/// @title DoubleEntryFront
/// @notice TEST ONLY. The second address of a `DoubleEntryToken`.
contract DoubleEntryFront {
    /// @notice The token whose ledger this address shares.
    DoubleEntryToken public immutable TOKEN;

    constructor(DoubleEntryToken token) {
        TOKEN = token;
    }

    /// @notice The same balance as at the token's first address.
    function balanceOf(address account) external view returns (uint256) {
        return TOKEN.balanceOf(account);
    }

    /// @notice Moves the caller's tokens on the shared ledger.
    function transfer(address to, uint256 value) external returns (bool) {
        return TOKEN.transferFromFront(msg.sender, to, value);
    }
}
