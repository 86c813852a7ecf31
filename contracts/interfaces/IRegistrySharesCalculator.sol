// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IChainRegistry} from "./IChainRegistry.sol";
import {ISharesCalculator} from "./optimism/ISharesCalculator.sol";

/// @title IRegistrySharesCalculator
/// @notice A shares calculator for OP's FeeSplitter predeploy that applies one chain's terms as the
///         `ChainRegistry` holds them at the moment of each disbursement, and pays both shares to
///         payees that cannot fail (`ISharePayee`).
interface IRegistrySharesCalculator is ISharesCalculator {
    /// @notice A constructor address argument was zero.
    error RegistrySharesCalculator_ZeroAddress();
    /// @notice The registry does not know the chain.
    error RegistrySharesCalculator_UnknownChain(uint256 chainId);
    /// @notice The registry's guardian or owner paused disbursements: the fees stay in the vaults.
    error RegistrySharesCalculator_Paused();
    /// @notice The chain is deactivated in the registry: the fees stay in the vaults.
    error RegistrySharesCalculator_ChainInactive(uint256 chainId);
    /// @notice The four revenues add up to more than a uint256 holds.
    error RegistrySharesCalculator_RevenueOverflow();
    /// @notice Too little gas is left for both payees to pass their shares on with their full
    ///         allowance: the disbursement reverts rather than leave the shares waiting.
    error RegistrySharesCalculator_InsufficientGas(uint256 gasLeft, uint256 needed);

    /// @notice Semantic version of this contract.
    function version() external view returns (string memory);

    /// @notice The least gas `getRecipientsAndAmounts` must see for the FeeSplitter to pay both
    ///         payees afterwards with enough gas for each to pass its share on (to L1, the dearer
    ///         route), so a caller's gas estimate never settles on a disbursement that leaves the
    ///         shares waiting in the payees.
    function MIN_GAS_FOR_PAYOUTS() external view returns (uint256);

    /// @notice The registry holding the chain's terms.
    function REGISTRY() external view returns (IChainRegistry);

    /// @notice The chain whose terms apply.
    function CHAIN_ID() external view returns (uint256);

    /// @notice Receives the Collective's share (a `SharePayee` created with this calculator).
    function COLLECTIVE_PAYEE() external view returns (address payable);

    /// @notice Receives the chain's share (a `SharePayee` created with this calculator).
    function TREASURY_PAYEE() external view returns (address payable);

    /// @notice When the calculator was deployed: the start of the first period it settles.
    function DEPLOYED_AT() external view returns (uint256);

    /// @notice The start of the period the next disbursement settles, whose terms it applies: the
    ///         FeeSplitter's last payment to either payee, or the deployment before any.
    function periodStart() external view returns (uint256);

    /// @notice The split of the next disbursement under the terms it applies, without the checks
    ///         that make `getRecipientsAndAmounts` refuse (paused, inactive).
    /// @param sequencerFeeRevenue Withdrawn from the SequencerFeeVault.
    /// @param baseFeeRevenue Withdrawn from the BaseFeeVault.
    /// @param operatorFeeRevenue Withdrawn from the OperatorFeeVault.
    /// @param l1FeeRevenue Withdrawn from the L1FeeVault: the L1 cost.
    /// @return collectiveShare The Collective's share.
    /// @return chainShare The chain's share; the two add up to the four revenues' sum.
    /// @return termsHash The hash of the terms document the shares follow.
    function previewShares(
        uint256 sequencerFeeRevenue,
        uint256 baseFeeRevenue,
        uint256 operatorFeeRevenue,
        uint256 l1FeeRevenue
    ) external view returns (uint256 collectiveShare, uint256 chainShare, bytes32 termsHash);
}
