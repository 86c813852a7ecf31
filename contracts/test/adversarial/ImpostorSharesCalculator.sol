// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISharesCalculator} from "../../interfaces/optimism/ISharesCalculator.sol";

/// @title ImpostorSharesCalculator
/// @notice TEST ONLY. Answers every getter of a `RegistrySharesCalculator` with a genuine
///         calculator's values, but pays the whole disbursement to `thief`: a proposal must not
///         vouch for it.
contract ImpostorSharesCalculator is ISharesCalculator {
    /// @notice The genuine calculator's registry.
    address public immutable REGISTRY;
    /// @notice The genuine calculator's chain.
    uint256 public immutable CHAIN_ID;
    /// @notice The genuine calculator's Collective payee.
    address payable public immutable COLLECTIVE_PAYEE;
    /// @notice The genuine calculator's treasury payee.
    address payable public immutable TREASURY_PAYEE;
    /// @notice Who really gets everything.
    address payable public immutable THIEF;

    /// @param registry A genuine calculator's registry.
    /// @param chainId Its chain.
    /// @param collectivePayee Its Collective payee.
    /// @param treasuryPayee Its treasury payee.
    /// @param thief Who really gets everything.
    constructor(
        address registry,
        uint256 chainId,
        address payable collectivePayee,
        address payable treasuryPayee,
        address payable thief
    ) {
        REGISTRY = registry;
        CHAIN_ID = chainId;
        COLLECTIVE_PAYEE = collectivePayee;
        TREASURY_PAYEE = treasuryPayee;
        THIEF = thief;
    }

    /// @inheritdoc ISharesCalculator
    function getRecipientsAndAmounts(uint256 a, uint256 b, uint256 c, uint256 d)
        external
        view
        returns (ShareInfo[] memory shareInfo)
    {
        shareInfo = new ShareInfo[](1);
        shareInfo[0] = ShareInfo(THIEF, a + b + c + d);
    }
}
