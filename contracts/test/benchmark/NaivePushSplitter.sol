// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IChainRegistry} from "../../interfaces/IChainRegistry.sol";
import {RevenueShareMath} from "../../libraries/RevenueShareMath.sol";

/// @title NaivePushSplitter
/// @notice TEST ONLY (benchmark baseline). The obvious design for many chains: per chain, read the
///         registry, split, and push ETH to the chain's treasury and to the Collective at once,
///         reverting the whole report if any payment fails (as today's fee splitters do).
contract NaivePushSplitter {
    /// @notice One chain's part of an epoch report.
    struct ChainRevenue {
        uint256 chainId;
        uint256 gross;
        uint256 l1Cost;
    }

    IChainRegistry public immutable REGISTRY;

    event ChainSettled(uint256 indexed epoch, uint256 indexed chainId, uint256 gross, uint256 l1Cost,
        uint256 collectiveShare, uint256 chainShare);

    error PaymentFailed(address to);
    error AttributionMismatch();

    constructor(IChainRegistry registry) {
        REGISTRY = registry;
    }

    /// @notice Split and push every chain's revenue; `msg.value` must equal the sum of gross.
    function reportEpoch(uint256 epoch, ChainRevenue[] calldata revenues) external payable {
        uint256 attributed;
        for (uint256 i; i < revenues.length; ++i) {
            ChainRevenue calldata revenue = revenues[i];
            IChainRegistry.Chain memory chain = REGISTRY.getChain(revenue.chainId);
            (uint256 collectiveShare, uint256 chainShare,) =
                RevenueShareMath.split(revenue.gross, revenue.l1Cost, chain.grossBps, chain.netBps);
            attributed += revenue.gross;
            _push(REGISTRY.collective(), collectiveShare);
            _push(chain.treasury, chainShare);
            emit ChainSettled(epoch, revenue.chainId, revenue.gross, revenue.l1Cost, collectiveShare, chainShare);
        }
        if (attributed != msg.value) revert AttributionMismatch();
    }

    function _push(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert PaymentFailed(to);
    }
}
