// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title NoReturnToken
/// @notice TEST ONLY. A token whose `transfer` returns nothing (like USDT on Ethereum); it reverts
///         on insufficient balance.
contract NoReturnToken {
    /// @notice Balances.
    mapping(address account => uint256) public balanceOf;
    /// @notice Total supply.
    uint256 public totalSupply;

    /// @notice ERC-20 Transfer event.
    event Transfer(address indexed from, address indexed to, uint256 value);

    /// @notice Mint `amount` to `to`.
    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Transfer without a return value.
    function transfer(address to, uint256 amount) external {
        require(balanceOf[msg.sender] >= amount, "insufficient balance");
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
    }
}
