// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IFeeVault} from "./interfaces/IFeeVault.sol";
import {RevenueShareMath} from "./libraries/RevenueShareMath.sol";

/// @title ChainRevenueSplitter
/// @notice The address one OP Stack chain's fee vaults pay to. `disburse()` withdraws the vaults,
///         counts the L1FeeVault's receipts as the L1 data cost, and splits everything it holds
///         between the Optimism Collective and the chain's treasury under the terms recorded in
///         the `ChainRegistry` at that moment.
/// @dev Accounting: the contract's balance is always `undisbursed() + totalOwed`. ETH that
///      arrives outside a vault withdrawal (plain transfers, forced ETH) is part of `undisbursed()`
///      and counts as revenue at the next disbursement. A payout that fails (reverts, runs out of
///      its bounded gas) is credited to its recipient as a claimable balance instead of blocking
///      the other party.
contract ChainRevenueSplitter is ReentrancyGuard {
    /// @notice The fee vaults this splitter withdraws. A zero address means the chain has no such vault.
    struct FeeVaults {
        address sequencerFeeVault;
        address baseFeeVault;
        address l1FeeVault;
        address operatorFeeVault;
    }

    /// @notice Gas forwarded to a recipient on payout; enough for a Safe's receive hook.
    uint256 public constant PAYOUT_GAS = 100_000;

    /// @notice The registry holding this chain's treasury and terms, and the Collective's address.
    IChainRegistry public immutable REGISTRY;
    /// @notice The chain whose revenue this splitter shares.
    uint256 public immutable CHAIN_ID;
    /// @notice Minimum time between two disbursements, in seconds.
    uint256 public immutable DISBURSEMENT_INTERVAL;
    /// @notice SequencerFeeVault (priority fees); counted in net revenue.
    address public immutable SEQUENCER_FEE_VAULT;
    /// @notice BaseFeeVault (base fees); counted in net revenue.
    address public immutable BASE_FEE_VAULT;
    /// @notice L1FeeVault (L1 data fees); its receipts are the L1 cost.
    address public immutable L1_FEE_VAULT;
    /// @notice OperatorFeeVault (operator fees); counted in net revenue.
    address public immutable OPERATOR_FEE_VAULT;

    /// @notice Timestamp of the last disbursement (0 before the first).
    uint256 public lastDisbursementTime;
    /// @notice Number of disbursements so far; the id of the next one.
    uint256 public disbursementCount;
    /// @notice Sum of all claimable balances.
    uint256 public totalOwed;
    /// @notice Claimable balance per recipient (failed payouts).
    mapping(address recipient => uint256 amount) public owed;

    /// @notice One disbursement: what came in, the L1 cost, the terms applied and both shares.
    event Disbursed(
        uint256 indexed chainId,
        uint256 indexed disbursementId,
        uint256 gross,
        uint256 l1Cost,
        uint256 collectiveShare,
        uint256 chainShare,
        uint16 grossBps,
        uint16 netBps,
        bool netRuleApplied
    );
    /// @notice A payout failed and was credited to `recipient` for a later `claim`.
    event PayoutDeferred(address indexed recipient, uint256 amount);
    /// @notice A claimable balance was paid out.
    event Claimed(address indexed recipient, address indexed caller, uint256 amount);

    /// @notice A constructor address argument was zero.
    error ZeroAddress();
    /// @notice The last disbursement was less than `DISBURSEMENT_INTERVAL` ago.
    error DisbursementTooSoon(uint256 nextAllowedTime);
    /// @notice The chain is deactivated in the registry.
    error ChainInactive(uint256 chainId);
    /// @notice There is no revenue to disburse.
    error NothingToDisburse();
    /// @notice Too little gas left to give a payout its full `PAYOUT_GAS`.
    error InsufficientGas();
    /// @notice `recipient` has no claimable balance.
    error NothingToClaim(address recipient);
    /// @notice Paying a claim to `recipient` failed; the balance stays claimable.
    error ClaimFailed(address recipient);

    /// @param registry The `ChainRegistry`.
    /// @param chainId The chain this splitter serves (registered in `registry`).
    /// @param vaults The chain's fee vaults.
    /// @param disbursementInterval Minimum seconds between disbursements.
    constructor(IChainRegistry registry, uint256 chainId, FeeVaults memory vaults, uint256 disbursementInterval) {
        if (address(registry) == address(0)) revert ZeroAddress();
        registry.getChain(chainId); // reverts for an unknown chain
        REGISTRY = registry;
        CHAIN_ID = chainId;
        DISBURSEMENT_INTERVAL = disbursementInterval;
        SEQUENCER_FEE_VAULT = vaults.sequencerFeeVault;
        BASE_FEE_VAULT = vaults.baseFeeVault;
        L1_FEE_VAULT = vaults.l1FeeVault;
        OPERATOR_FEE_VAULT = vaults.operatorFeeVault;
    }

    /// @notice Accepts ETH from fee vaults and anyone else; never reverts. Counted at the next disbursement.
    receive() external payable {}

    /// @notice Withdraw the fee vaults and split everything held between the Collective and the chain.
    /// @dev Callable by anyone, at most once per `DISBURSEMENT_INTERVAL`. Vaults below their minimum
    ///      withdrawal amount are left for next time.
    /// @return collectiveShare Amount assigned to the Collective.
    /// @return chainShare Amount assigned to the chain's treasury.
    function disburse() external nonReentrant returns (uint256 collectiveShare, uint256 chainShare) {
        uint256 last = lastDisbursementTime;
        if (last != 0 && block.timestamp < last + DISBURSEMENT_INTERVAL) {
            revert DisbursementTooSoon(last + DISBURSEMENT_INTERVAL);
        }
        IChainRegistry.Chain memory chain = REGISTRY.getChain(CHAIN_ID);
        if (!chain.active) revert ChainInactive(CHAIN_ID);
        address collective = REGISTRY.collective();

        _withdrawVault(SEQUENCER_FEE_VAULT);
        _withdrawVault(BASE_FEE_VAULT);
        _withdrawVault(OPERATOR_FEE_VAULT);
        uint256 balanceBeforeL1 = address(this).balance;
        _withdrawVault(L1_FEE_VAULT);
        uint256 l1Cost = address(this).balance - balanceBeforeL1;

        uint256 gross = address(this).balance - totalOwed;
        if (gross == 0) revert NothingToDisburse();

        bool netRuleApplied;
        (collectiveShare, chainShare, netRuleApplied) =
            RevenueShareMath.split(gross, l1Cost, chain.grossBps, chain.netBps);

        lastDisbursementTime = block.timestamp;
        uint256 id = disbursementCount++;
        emit Disbursed(
            CHAIN_ID, id, gross, l1Cost, collectiveShare, chainShare, chain.grossBps, chain.netBps, netRuleApplied
        );

        _pay(collective, collectiveShare);
        _pay(chain.treasury, chainShare);
    }

    /// @notice Pay `recipient` its claimable balance. Anyone may call; funds go only to `recipient`.
    /// @param recipient The account credited by a failed payout.
    /// @return amount The amount paid.
    function claim(address recipient) external nonReentrant returns (uint256 amount) {
        amount = owed[recipient];
        if (amount == 0) revert NothingToClaim(recipient);
        owed[recipient] = 0;
        totalOwed -= amount;
        emit Claimed(recipient, msg.sender, amount);
        bool success;
        assembly ("memory-safe") {
            // No return data is copied, so a recipient cannot make this call expensive.
            success := call(gas(), recipient, amount, 0, 0, 0, 0)
        }
        if (!success) revert ClaimFailed(recipient);
    }

    /// @notice The split `disburse()` would make of `gross` with `l1Cost` under the chain's current terms.
    /// @param gross Gross revenue.
    /// @param l1Cost L1 data cost (may exceed gross).
    /// @return collectiveShare The Collective's share.
    /// @return chainShare The chain's share.
    function previewSplit(uint256 gross, uint256 l1Cost)
        external
        view
        returns (uint256 collectiveShare, uint256 chainShare)
    {
        IChainRegistry.Chain memory chain = REGISTRY.getChain(CHAIN_ID);
        (collectiveShare, chainShare,) = RevenueShareMath.split(gross, l1Cost, chain.grossBps, chain.netBps);
    }

    /// @notice ETH held that the next disbursement will share (everything except claimable balances).
    function undisbursed() external view returns (uint256) {
        return address(this).balance - totalOwed;
    }

    /// @notice Earliest timestamp at which `disburse()` may be called.
    function nextDisbursementTime() external view returns (uint256) {
        uint256 last = lastDisbursementTime;
        return last == 0 ? 0 : last + DISBURSEMENT_INTERVAL;
    }

    function _withdrawVault(address vault) private {
        if (vault == address(0)) return;
        if (vault.balance == 0 || vault.balance < IFeeVault(vault).MIN_WITHDRAWAL_AMOUNT()) return;
        IFeeVault(vault).withdraw();
    }

    function _pay(address recipient, uint256 amount) private {
        if (amount == 0) return;
        // Keep enough gas that the recipient gets its full allowance (EIP-150 keeps 1/64 back);
        // otherwise a caller could starve payouts on purpose to force them into credits.
        if (gasleft() < (PAYOUT_GAS * 64) / 63 + 10_000) revert InsufficientGas();
        bool success;
        assembly ("memory-safe") {
            success := call(PAYOUT_GAS, recipient, amount, 0, 0, 0, 0)
        }
        if (!success) {
            owed[recipient] += amount;
            totalOwed += amount;
            emit PayoutDeferred(recipient, amount);
        }
    }
}
