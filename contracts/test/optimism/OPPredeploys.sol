// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IProxyAdminOwner
/// @notice TEST ONLY. The one view of the OP Stack `ProxyAdmin` predeploy (0x4200…0018) the
///         models below use: its owner is the account allowed to reconfigure L2 predeploys.
interface IProxyAdminOwner {
    /// @notice The ProxyAdmin's owner (OpenZeppelin `Ownable`).
    function owner() external view returns (address);
}

/// @title OPPredeploys
/// @notice TEST ONLY. The OP Stack L2 predeploy addresses the test-only models in this folder
///         call or stand in for (the same on every OP Stack chain).
library OPPredeploys {
    /// @notice L2StandardBridge: bridges ETH to L1.
    address internal constant L2_STANDARD_BRIDGE = 0x4200000000000000000000000000000000000010;
    /// @notice SequencerFeeVault (upstream name `SEQUENCER_FEE_WALLET`): the priority fees.
    address internal constant SEQUENCER_FEE_VAULT = 0x4200000000000000000000000000000000000011;
    /// @notice L2ToL1MessagePasser: starts withdrawals to L1.
    address internal constant L2_TO_L1_MESSAGE_PASSER = 0x4200000000000000000000000000000000000016;
    /// @notice ProxyAdmin: admin of every proxied predeploy.
    address internal constant PROXY_ADMIN = 0x4200000000000000000000000000000000000018;
    /// @notice BaseFeeVault: the base fees.
    address internal constant BASE_FEE_VAULT = 0x4200000000000000000000000000000000000019;
    /// @notice L1FeeVault: the L1 data fees.
    address internal constant L1_FEE_VAULT = 0x420000000000000000000000000000000000001A;
    /// @notice OperatorFeeVault: the operator fees (Isthmus and later).
    address internal constant OPERATOR_FEE_VAULT = 0x420000000000000000000000000000000000001b;
    /// @notice FeeSplitter: splits the four vaults' fees (revenue-share upgrade).
    address internal constant FEE_SPLITTER = 0x420000000000000000000000000000000000002B;

    /// @notice The current owner of the ProxyAdmin predeploy, read on every call (reverts when
    ///         the chain has no code there).
    function proxyAdminOwner() internal view returns (address) {
        return IProxyAdminOwner(PROXY_ADMIN).owner();
    }
}
