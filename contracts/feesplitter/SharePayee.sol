// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IChainRegistry} from "../interfaces/IChainRegistry.sol";
import {ISharePayee} from "../interfaces/ISharePayee.sol";
import {L2Withdrawals} from "../libraries/L2Withdrawals.sol";

/// @dev The L1 payout's gas allowance, also for the calculator's gas floor.
uint256 constant L1_PAYOUT_GAS_ = 300_000;

/// @title SharePayee
/// @notice Receives one role's share of a chain's revenue from OP's FeeSplitter predeploy (the
///         Collective's, or the chain treasury's) and passes it on to whoever the `ChainRegistry`
///         names for that role, along the registry's route for that address: a plain transfer
///         with bounded gas on L2, or a withdrawal to L1 through the bridge or the message passer
///         once the route's minimum is reached. The FeeSplitter reverts the whole disbursement
///         when one recipient fails; this one never does, so a treasury that reverts cannot hold
///         back the Collective's share (nor the other way round).
/// @dev `receive()` never reverts (short of running out of gas altogether): when passing on is
///      not possible (claims held, below the L1 minimum, the transfer failed, too little gas), the
///      ETH stays here, still bound to the role, and anyone can call `forward()` later. Held ETH
///      goes to the role's address at the time it leaves: after a treasury change, to the new
///      treasury (a claim hold covers the time the change waits in the timelock).
///      Created by `RegistrySharesCalculator`, one per role.
contract SharePayee is ISharePayee {
    /// @inheritdoc ISharePayee
    string public constant version = "1.0.0";
    /// @notice Gas forwarded to an L2 recipient; enough for a Safe's receive hook.
    uint256 public constant PAYOUT_GAS = 100_000;
    /// @notice Gas forwarded to the bridge or message passer for an L1 payout.
    uint256 public constant L1_PAYOUT_GAS = L1_PAYOUT_GAS_;
    /// @inheritdoc ISharePayee
    address public constant FEE_SPLITTER = 0x420000000000000000000000000000000000002B;
    /// @dev Gas kept for the registry reads and the events around one payout.
    uint256 private constant _OVERHEAD_GAS = 40_000;

    /// @inheritdoc ISharePayee
    IChainRegistry public immutable REGISTRY;
    /// @inheritdoc ISharePayee
    uint256 public immutable CHAIN_ID;
    /// @inheritdoc ISharePayee
    Role public immutable ROLE;

    /// @inheritdoc ISharePayee
    uint64 public lastShareAt;

    /// @dev Set while a payout call is under way: ETH sent back meanwhile is only accepted.
    bool private transient _forwarding;

    /// @param registry The `ChainRegistry`.
    /// @param chainId The chain (registered in `registry`).
    /// @param role Whose share this payee receives.
    constructor(IChainRegistry registry, uint256 chainId, Role role) {
        if (address(registry) == address(0)) revert SharePayee_ZeroAddress();
        if (!registry.isRegistered(chainId)) revert SharePayee_UnknownChain(chainId);
        REGISTRY = registry;
        CHAIN_ID = chainId;
        ROLE = role;
    }

    /// @notice Accepts ETH from anyone and tries to pass the whole balance on; never reverts.
    receive() external payable {
        // Only the FeeSplitter's payments mark a disbursement: anyone else's would move the start
        // of the period the calculator's next terms apply to.
        if (msg.sender == FEE_SPLITTER) lastShareAt = uint64(block.timestamp);
        emit ShareReceived(msg.sender, msg.value);
        if (_forwarding) return;
        (address to, uint256 amount, DeferReason reason, bool deferred) = _forward();
        if (deferred) emit ForwardDeferred(to, amount, reason);
    }

    /// @inheritdoc ISharePayee
    function forward() external returns (uint256 amount) {
        if (_forwarding) revert SharePayee_Reentered();
        if (address(this).balance == 0) revert SharePayee_NothingToForward();
        address to;
        DeferReason reason;
        bool deferred;
        (to, amount, reason, deferred) = _forward();
        if (deferred) revert SharePayee_Deferred(to, amount, reason);
    }

    /// @inheritdoc ISharePayee
    function recipient() public view returns (address) {
        return ROLE == Role.Collective ? REGISTRY.collective() : REGISTRY.getChain(CHAIN_ID).treasury;
    }

    /// @dev Passes the whole balance on, or says why not (nothing moves then).
    function _forward() private returns (address to, uint256 amount, DeferReason reason, bool deferred) {
        amount = address(this).balance;
        to = recipient();
        if (amount == 0) return (to, 0, reason, false);
        if (ROLE == Role.Treasury && REGISTRY.claimsHeld(CHAIN_ID)) {
            return (to, amount, DeferReason.ClaimsHeld, true);
        }
        IChainRegistry.Destination memory destination = REGISTRY.destinationOf(to);
        bool toL1 = destination.route != IChainRegistry.Route.L2;
        if (toL1 && amount < destination.minAmount) return (to, amount, DeferReason.BelowL1Minimum, true);
        uint256 payoutGas = toL1 ? L1_PAYOUT_GAS : PAYOUT_GAS;
        // The payout gets its full allowance or is not tried (EIP-150 keeps 1/64 back), so a
        // caller cannot make it fail on purpose by sending too little gas.
        if (gasleft() < (payoutGas * 64) / 63 + _OVERHEAD_GAS) return (to, amount, DeferReason.LowGas, true);
        _forwarding = true;
        bool ok = to != address(this)
            && (toL1 ? L2Withdrawals.initiate(destination, amount, payoutGas) : _send(to, amount, payoutGas));
        _forwarding = false;
        if (!ok) return (to, amount, DeferReason.PayoutFailed, true);
        if (toL1) {
            emit L2Withdrawals.L1WithdrawalInitiated(
                to, destination.l1Recipient, amount, destination.route, destination.l1GasLimit
            );
        }
        emit Forwarded(to, amount, destination.route);
    }

    /// @dev A plain ETH transfer with at most `gasLimit` gas, copying no return data.
    function _send(address to, uint256 amount, uint256 gasLimit) private returns (bool success) {
        assembly ("memory-safe") {
            success := call(gasLimit, to, amount, 0, 0, 0, 0)
        }
    }
}
