// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IChainRegistry} from "../interfaces/IChainRegistry.sol";
import {IRegistrySharesCalculator} from "../interfaces/IRegistrySharesCalculator.sol";
import {ISharePayee} from "../interfaces/ISharePayee.sol";
import {RevenueShareMath} from "../libraries/RevenueShareMath.sol";
import {L1_PAYOUT_GAS_, SharePayee} from "./SharePayee.sol";

/// @title RegistrySharesCalculator
/// @notice The shares calculator to plug into OP's FeeSplitter predeploy
///         (`setSharesCalculator`): it splits each disbursement under the chain's terms in the
///         `ChainRegistry` (rates, treasury, the Collective, active flag), so governance changes
///         terms in the registry instead of deploying a new calculator. The rates are those in
///         force when the period the disbursement settles began (the previous disbursement, as its
///         payees recorded it): a scheduled terms change or exit applies from the disbursement
///         after the one that crosses it, which settles the period before it under the old terms.
///         The FeeSplitter's own interval cannot be skipped, so governance times a change to fall
///         just after a disbursement is due. The rule is the toolkit's: the Collective receives the greater of
///         `grossBps` of gross and `netBps` of net revenue, net being gross minus the L1FeeVault's
///         revenue (the L1 data cost); the chain keeps the rest, to the wei.
/// @dev Both shares go to `SharePayee`s created here (one per role), never to the Collective or
///      the treasury directly: the FeeSplitter reverts the whole disbursement when any payment
///      fails, and a payee cannot fail. While the registry is paused or the chain inactive,
///      `getRecipientsAndAmounts` reverts, so `disburseFees()` reverts and the fees stay in the
///      vaults (as this project's own splitters do). The terms document's hash is the registry's.
contract RegistrySharesCalculator is IRegistrySharesCalculator {
    /// @inheritdoc IRegistrySharesCalculator
    string public constant version = "1.0.0";

    /// @inheritdoc IRegistrySharesCalculator
    /// @dev Per payee: the L1 payout's allowance with the 1/64 that EIP-150 keeps back, its own
    ///      reads and events, and the FeeSplitter's transfer to it; twice, with a margin.
    uint256 public constant MIN_GAS_FOR_PAYOUTS = 2 * ((L1_PAYOUT_GAS_ * 64) / 63 + 90_000);

    /// @inheritdoc IRegistrySharesCalculator
    IChainRegistry public immutable REGISTRY;
    /// @inheritdoc IRegistrySharesCalculator
    uint256 public immutable CHAIN_ID;
    /// @inheritdoc IRegistrySharesCalculator
    address payable public immutable COLLECTIVE_PAYEE;
    /// @inheritdoc IRegistrySharesCalculator
    address payable public immutable TREASURY_PAYEE;
    /// @inheritdoc IRegistrySharesCalculator
    uint256 public immutable DEPLOYED_AT;

    /// @param registry The `ChainRegistry`.
    /// @param chainId The chain whose FeeSplitter asks this calculator (registered in `registry`).
    constructor(IChainRegistry registry, uint256 chainId) {
        if (address(registry) == address(0)) revert RegistrySharesCalculator_ZeroAddress();
        if (!registry.isRegistered(chainId)) revert RegistrySharesCalculator_UnknownChain(chainId);
        REGISTRY = registry;
        CHAIN_ID = chainId;
        DEPLOYED_AT = block.timestamp;
        COLLECTIVE_PAYEE = payable(address(new SharePayee(registry, chainId, ISharePayee.Role.Collective)));
        TREASURY_PAYEE = payable(address(new SharePayee(registry, chainId, ISharePayee.Role.Treasury)));
    }

    /// @notice The FeeSplitter's question: who gets what of one disbursement. Two entries, the
    ///         Collective's payee first, adding up exactly to the four revenues' sum.
    /// @dev Reverts while the registry is paused or the chain is inactive, and when less than
    ///      `MIN_GAS_FOR_PAYOUTS` is left (so the whole disbursement can be retried with more).
    /// @param sequencerFeeRevenue Withdrawn from the SequencerFeeVault.
    /// @param baseFeeRevenue Withdrawn from the BaseFeeVault.
    /// @param operatorFeeRevenue Withdrawn from the OperatorFeeVault.
    /// @param l1FeeRevenue Withdrawn from the L1FeeVault: the L1 cost.
    /// @return shareInfo The Collective's payee and its share, then the treasury's payee and the rest.
    function getRecipientsAndAmounts(
        uint256 sequencerFeeRevenue,
        uint256 baseFeeRevenue,
        uint256 operatorFeeRevenue,
        uint256 l1FeeRevenue
    ) external view returns (ShareInfo[] memory shareInfo) {
        if (gasleft() < MIN_GAS_FOR_PAYOUTS) {
            revert RegistrySharesCalculator_InsufficientGas(gasleft(), MIN_GAS_FOR_PAYOUTS);
        }
        IChainRegistry.Settlement memory terms = REGISTRY.settlementTerms(CHAIN_ID, periodStart());
        // A chain that has left is beyond governance's pause and deactivation.
        if (!terms.exited && REGISTRY.paused()) revert RegistrySharesCalculator_Paused();
        if (!terms.active && !terms.exited) revert RegistrySharesCalculator_ChainInactive(CHAIN_ID);
        (uint256 collectiveShare, uint256 chainShare) =
            _split(terms.grossBps, terms.netBps, sequencerFeeRevenue, baseFeeRevenue, operatorFeeRevenue, l1FeeRevenue);
        shareInfo = new ShareInfo[](2);
        shareInfo[0] = ShareInfo(COLLECTIVE_PAYEE, collectiveShare);
        shareInfo[1] = ShareInfo(TREASURY_PAYEE, chainShare);
    }

    /// @inheritdoc IRegistrySharesCalculator
    function previewShares(
        uint256 sequencerFeeRevenue,
        uint256 baseFeeRevenue,
        uint256 operatorFeeRevenue,
        uint256 l1FeeRevenue
    ) external view returns (uint256 collectiveShare, uint256 chainShare, bytes32 termsHash) {
        IChainRegistry.TermsEntry memory terms = REGISTRY.termsAt(CHAIN_ID, periodStart());
        (collectiveShare, chainShare) = _split(
            terms.grossBps, terms.netBps, sequencerFeeRevenue, baseFeeRevenue, operatorFeeRevenue, l1FeeRevenue
        );
        termsHash = terms.termsHash;
    }

    /// @inheritdoc IRegistrySharesCalculator
    function periodStart() public view returns (uint256 since) {
        since = DEPLOYED_AT;
        uint256 collectiveAt = SharePayee(COLLECTIVE_PAYEE).lastShareAt();
        uint256 treasuryAt = SharePayee(TREASURY_PAYEE).lastShareAt();
        if (collectiveAt > since) since = collectiveAt;
        if (treasuryAt > since) since = treasuryAt;
    }

    /// @dev Gross is the four revenues' sum (checked against overflow), the L1 cost the L1FeeVault's.
    function _split(
        uint256 grossBps,
        uint256 netBps,
        uint256 sequencerFeeRevenue,
        uint256 baseFeeRevenue,
        uint256 operatorFeeRevenue,
        uint256 l1FeeRevenue
    ) private pure returns (uint256 collectiveShare, uint256 chainShare) {
        uint256 gross;
        unchecked {
            gross = sequencerFeeRevenue + baseFeeRevenue;
            bool overflow = gross < baseFeeRevenue;
            gross += operatorFeeRevenue;
            overflow = overflow || gross < operatorFeeRevenue;
            gross += l1FeeRevenue;
            if (overflow || gross < l1FeeRevenue) revert RegistrySharesCalculator_RevenueOverflow();
        }
        (collectiveShare, chainShare,) = RevenueShareMath.split(gross, l1FeeRevenue, grossBps, netBps);
    }
}
