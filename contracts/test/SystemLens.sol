// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ChainRevenueSplitter} from "../ChainRevenueSplitter.sol";
import {SharedSequencerSplitter} from "../SharedSequencerSplitter.sol";

/// @title SystemLens
/// @notice TEST ONLY. Reads every balance the stateful tests check in one call, so a step costs
///         one transaction plus one read instead of dozens of reads.
contract SystemLens {
    /// @notice Everything about `accounts` that the model tracks.
    /// @return eth ETH balance of each account.
    /// @return tokens Token balance of each account.
    /// @return owedEth Each account's ETH credit in `splitter`.
    /// @return owedTokens Each account's token credit in `splitter`.
    function snapshot(ChainRevenueSplitter splitter, IERC20 token, address[] calldata accounts)
        external
        view
        returns (uint256[] memory eth, uint256[] memory tokens, uint256[] memory owedEth, uint256[] memory owedTokens)
    {
        uint256 n = accounts.length;
        eth = new uint256[](n);
        tokens = new uint256[](n);
        owedEth = new uint256[](n);
        owedTokens = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            eth[i] = accounts[i].balance;
            tokens[i] = token.balanceOf(accounts[i]);
            owedEth[i] = splitter.owed(address(0), accounts[i]);
            owedTokens[i] = splitter.owed(address(token), accounts[i]);
        }
    }

    /// @notice Every ETH claimable balance of the shared splitter that the model tracks.
    /// @return accountEth Each account's claimable ETH in `shared`.
    /// @return chainEth Each chain's claimable ETH in `shared`.
    function sharedSnapshot(SharedSequencerSplitter shared, address[] calldata accounts, uint256[] calldata chainIds)
        external
        view
        returns (uint256[] memory accountEth, uint256[] memory chainEth)
    {
        accountEth = new uint256[](accounts.length);
        chainEth = new uint256[](chainIds.length);
        for (uint256 i; i < accounts.length; ++i) {
            accountEth[i] = shared.accountClaimable(address(0), accounts[i]);
        }
        for (uint256 i; i < chainIds.length; ++i) {
            chainEth[i] = shared.chainClaimable(address(0), chainIds[i]);
        }
    }
}
