// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {L2Withdrawals} from "./libraries/L2Withdrawals.sol";
import {RevenueShareMath} from "./libraries/RevenueShareMath.sol";

/// @title SharedSequencerSplitter
/// @notice One contract for many chains served by one sequencer. Per epoch, the sequencer operator
///         (the reporter) pays in the revenue with its attribution: for each chain, gross revenue
///         and the L1 data cost. Each chain's gross is split, in this order: the operator fee
///         (`operatorFeeBps` of gross, rounded down) comes off the top; the chain's registry terms
///         in force when the previous epoch was reported (the start of the period this one
///         settles, so a scheduled terms change or exit applies from the epoch after it) then split the rest between the Collective and the chain (the Collective's share rounded
///         down, the chain gets the remainder), so fee + Collective + chain = gross to the wei.
/// @dev Scale: the report loop makes no external call per chain in the steady state. Each chain's
///      claimable balance shares one storage slot with a cached copy of its terms, tagged with the
///      registry's `termsVersion` and the time the next scheduled change takes effect; any change
///      of a terms history anywhere bumps the version, and a period starting at or after that
///      time re-reads the registry, so the terms applied are always the ones in force. Nothing
///      is pushed: chains, the Collective and the operator claim (pull) their balances, so no
///      chain can break a report. Conservation per asset: balance = `totalClaimable` (+ any
///      forced-in surplus, which `creditSurplus` assigns to the Collective). ETH claims follow the
///      registry's destination of the paid address (an L1 route for the operator or a treasury).
contract SharedSequencerSplitter is ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice One chain's part of an epoch report.
    struct ChainRevenue {
        uint256 chainId;
        uint256 gross;
        uint256 l1Cost;
    }

    /// @notice The asset key for native ETH.
    address public constant ETH = address(0);
    /// @notice Largest operator fee governance may set (10%).
    uint16 public constant MAX_OPERATOR_FEE_BPS = 1_000;

    // Packed per-chain slot, high to low bits: claimable (152) | validUntil (32) | grossBps (16) |
    // netBps (16) | active (8) | termsVersion (32). The low 104 bits are the cached terms, valid
    // for periods starting before `validUntil` (the next scheduled change, saturated at 2^32 - 1).
    uint256 private constant _TERMS_BITS = 104;
    uint256 private constant _TERMS_MASK = (1 << 104) - 1;
    uint256 private constant _MAX_CLAIMABLE = (1 << 152) - 1;
    /// @notice Bytes per chain in a packed report: one word of chain id (uint64), gross (uint96)
    ///         and L1 cost (uint96). 2^96 wei is about 79 billion ETH.
    uint256 public constant PACKED_CHAIN_BYTES = 32;
    /// @notice Bytes per chain in `ChainsSettled`: the packed report's word, then the operator fee
    ///         and the Collective's share (uint96 each).
    uint256 public constant SETTLEMENT_BYTES = 56;

    /// @notice The registry: chains, terms, the Collective, governance (its owner), pause.
    IChainRegistry public immutable REGISTRY;

    /// @notice The only account that may report epochs (the sequencer operator).
    address public reporter;
    /// @notice Where the operator fee is credited.
    address public operatorFeeRecipient;
    /// @notice The operator fee, in bps of each chain's gross.
    uint16 public operatorFeeBps;
    /// @notice When the last epoch was reported (deployment before the first): the start of the
    ///         period the next report settles, whose terms it applies.
    uint64 public lastReportTime;
    /// @notice The last epoch reported; the next report must be `lastEpoch + 1` (across all assets).
    uint256 public lastEpoch;
    /// @notice Whether `account` has ever been the operator fee recipient.
    mapping(address account => bool) public wasOperatorFeeRecipient;
    /// @notice Sum of every claimable balance in the asset.
    mapping(address asset => uint256 amount) public totalClaimable;
    /// @notice Claimable balances of accounts (the Collective, the operator fee recipient).
    mapping(address asset => mapping(address account => uint256 amount)) public accountClaimable;

    mapping(address asset => mapping(uint256 chainId => uint256 packed)) private _chainSlots;

    /// @notice An epoch report: totals over all its chains.
    event EpochReported(
        uint256 indexed epoch,
        address indexed asset,
        uint256 chainCount,
        uint256 gross,
        uint256 operatorFee,
        uint256 collectiveShare,
        uint256 chainShare,
        address collective,
        address operatorFeeRecipient
    );
    /// @notice One chain's settlement in an epoch. Emitted once per chain, before the epoch's
    ///         `EpochReported` in the same transaction, which names the epoch and the asset; together
    ///         they rebuild every balance from logs alone.
    event ChainSettled(
        uint256 indexed chainId,
        uint256 gross,
        uint256 l1Cost,
        uint256 operatorFee,
        uint256 collectiveShare,
        uint256 chainShare
    );
    /// @notice The chains of a packed report (`reportEpochPacked`), emitted once before its
    ///         `EpochReported`: per chain, big-endian and concatenated, `SETTLEMENT_BYTES` bytes: chain id
    ///         (8), gross (12), L1 cost (12), operator fee (12), Collective share (12). The chain's
    ///         share is gross - operator fee - Collective share. One log instead of one per chain.
    event ChainsSettled(uint256 indexed epoch, bytes settlements);
    /// @notice A chain's balance was paid to its treasury.
    event ChainClaimed(address indexed asset, uint256 indexed chainId, address treasury, address caller, uint256 amount);
    /// @notice An account's balance was paid.
    event AccountClaimed(address indexed asset, address indexed account, address caller, uint256 amount);
    /// @notice The reporter changed.
    event ReporterUpdated(address indexed previousReporter, address indexed newReporter);
    /// @notice The operator fee or its recipient changed.
    event OperatorFeeUpdated(address indexed recipient, uint16 feeBps);
    /// @notice Unattributed funds (forced ETH, stray tokens) were credited to the Collective.
    event SurplusCredited(address indexed asset, address indexed collective, uint256 amount);
    /// @notice Governance moved the balance of a former Collective or operator fee recipient to its successor.
    event CreditMoved(address indexed asset, address indexed from, address indexed to, uint256 amount);

    /// @notice Only governance (the registry's owner) may do this.
    error NotGovernance(address account);
    /// @notice Only the reporter may report epochs.
    error NotReporter(address account);
    /// @notice An address argument was zero.
    error ZeroAddress();
    /// @notice Operator fee above `MAX_OPERATOR_FEE_BPS`.
    error InvalidFee(uint256 feeBps);
    /// @notice The registry's guardian or owner has paused disbursements.
    error DisbursementsPaused();
    /// @notice Epoch ids go up by one: each report must be `lastEpoch + 1`.
    error EpochNotNext(uint256 epoch, uint256 expected);
    /// @notice A report must name at least one chain.
    error EmptyReport();
    /// @notice A packed report's length is not a multiple of `PACKED_CHAIN_BYTES`.
    error MalformedReport(uint256 length);
    /// @notice Chain ids must be strictly increasing (which also rules out duplicates and id 0).
    error ChainsNotSorted(uint256 chainId);
    /// @notice The chain is deactivated in the registry.
    error ChainInactive(uint256 chainId);
    /// @notice The attributed gross revenue does not add up to what was paid in.
    error AttributionMismatch(uint256 attributed, uint256 paid);
    /// @notice The token is not allowed by the registry.
    error TokenNotAllowed(address token);
    /// @notice The token delivered a different amount than was sent (fee-on-transfer or rebasing).
    error UnsupportedToken(address token);
    /// @notice A chain's claimable balance would exceed 2^152 - 1.
    error BalanceTooLarge(uint256 chainId);
    /// @notice Nothing to claim.
    error NothingToClaim();
    /// @notice The payment of a claim failed; the balance stays claimable.
    error ClaimFailed(address recipient);
    /// @notice A claim to an L1 destination is below the route's minimum amount; it stays claimable.
    error BelowL1Minimum(address recipient, uint256 amount, uint256 minAmount);
    /// @notice The chain's claims are held in the registry (a treasury change pending, say).
    error ClaimsHeld(uint256 chainId);
    /// @notice `account` is not a former Collective or operator fee recipient.
    error NoSuccessor(address account);

    modifier onlyGovernance() {
        if (msg.sender != REGISTRY.owner()) revert NotGovernance(msg.sender);
        _;
    }

    /// @param registry The `ChainRegistry`.
    /// @param initialReporter The sequencer operator's reporting account.
    /// @param initialFeeRecipient Where operator fees are credited.
    /// @param initialFeeBps The operator fee in bps (at most `MAX_OPERATOR_FEE_BPS`).
    constructor(IChainRegistry registry, address initialReporter, address initialFeeRecipient, uint16 initialFeeBps) {
        if (address(registry) == address(0) || initialReporter == address(0) || initialFeeRecipient == address(0)) {
            revert ZeroAddress();
        }
        if (initialFeeBps > MAX_OPERATOR_FEE_BPS) revert InvalidFee(initialFeeBps);
        REGISTRY = registry;
        reporter = initialReporter;
        operatorFeeRecipient = initialFeeRecipient;
        operatorFeeBps = initialFeeBps;
        lastReportTime = uint64(block.timestamp);
        wasOperatorFeeRecipient[initialFeeRecipient] = true;
        emit ReporterUpdated(address(0), initialReporter);
        emit OperatorFeeUpdated(initialFeeRecipient, initialFeeBps);
    }

    // ------------------------------------------------------------------ reporting

    /// @notice Report an epoch of ETH revenue; `msg.value` must equal the sum of the chains' gross.
    /// @param epoch The epoch id: `lastEpoch + 1`.
    /// @param revenues Per chain (sorted by chain id, no duplicates): gross revenue and L1 cost.
    function reportEpoch(uint256 epoch, ChainRevenue[] calldata revenues) external payable nonReentrant {
        _settle(ETH, epoch, revenues, msg.value);
    }

    /// @notice `reportEpoch` with the chains packed: 32 bytes each instead of 96, which an OP Stack
    ///         chain also charges as L1 data. Per chain, big-endian and concatenated: chain id
    ///         (8 bytes), gross (12 bytes), L1 cost (12 bytes). Same rules and state as
    ///         `reportEpoch`; the chains' settlements are in one `ChainsSettled` event instead of
    ///         a `ChainSettled` each. Amounts of 2^96 or more need the ABI form.
    /// @param epoch The epoch id: `lastEpoch + 1`.
    /// @param packed The chains (sorted by chain id, no duplicates), 32 bytes each.
    function reportEpochPacked(uint256 epoch, bytes calldata packed) external payable nonReentrant {
        if (packed.length % PACKED_CHAIN_BYTES != 0) revert MalformedReport(packed.length);
        uint256 count = _startReport(epoch, packed.length / PACKED_CHAIN_BYTES);
        mapping(uint256 => uint256) storage slots = _chainSlots[ETH];
        Totals memory totals = _totals(msg.value);
        bytes memory settlements = new bytes(count * SETTLEMENT_BYTES);
        uint256 settlementsAt;
        assembly ("memory-safe") {
            settlementsAt := add(settlements, 0x20)
        }
        totals.settlementsAt = settlementsAt;
        for (uint256 i; i < count; ++i) {
            uint256 chainId;
            uint256 gross;
            uint256 l1Cost;
            assembly ("memory-safe") {
                let word := calldataload(add(packed.offset, shl(5, i)))
                chainId := shr(192, word)
                gross := and(shr(96, word), 0xffffffffffffffffffffffff)
                l1Cost := and(word, 0xffffffffffffffffffffffff)
            }
            _settleOne(slots, totals, chainId, gross, l1Cost);
        }
        emit ChainsSettled(epoch, settlements);
        _finishReport(ETH, epoch, count, totals);
    }

    /// @notice Report an epoch of revenue in an allowed ERC-20; `amount` is pulled from the reporter
    ///         (approve it first) and must equal the sum of the chains' gross.
    /// @param token A token the registry allows.
    /// @param epoch The epoch id: `lastEpoch + 1`.
    /// @param revenues Per chain (sorted by chain id, no duplicates): gross revenue and L1 cost.
    /// @param amount The amount paid in.
    function reportEpochToken(address token, uint256 epoch, ChainRevenue[] calldata revenues, uint256 amount)
        external
        nonReentrant
    {
        if (token == ETH || !REGISTRY.isTokenAllowed(token)) revert TokenNotAllowed(token);
        _settle(token, epoch, revenues, amount);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        if (IERC20(token).balanceOf(address(this)) - before != amount) revert UnsupportedToken(token);
    }

    // ------------------------------------------------------------------ claims

    /// @notice Pay a chain's balance to its treasury as recorded in the registry now. Anyone may call.
    ///         ETH goes to the treasury's registry destination: on L2, or to L1 through the bridge
    ///         or message passer when the balance reaches the route's minimum. A treasury change
    ///         therefore also redirects the balance not yet claimed (governance's power, behind the
    ///         timelock); while the registry holds the chain's claims, this reverts.
    /// @param asset `ETH` (address(0)) or a token.
    /// @param chainId A chain with a balance.
    /// @return amount The amount paid.
    function claimChain(address asset, uint256 chainId) external nonReentrant returns (uint256 amount) {
        uint256 packed = _chainSlots[asset][chainId];
        amount = packed >> _TERMS_BITS;
        if (amount == 0) revert NothingToClaim();
        if (REGISTRY.claimsHeld(chainId)) revert ClaimsHeld(chainId);
        _chainSlots[asset][chainId] = packed & _TERMS_MASK;
        totalClaimable[asset] -= amount;
        address treasury = REGISTRY.getChain(chainId).treasury;
        emit ChainClaimed(asset, chainId, treasury, msg.sender, amount);
        _pay(asset, treasury, amount);
    }

    /// @notice Pay an account's balance (the Collective, the operator). Anyone may call; funds go to
    ///         `account`, on L2 or on L1 as its registry destination says (see `claimChain`).
    /// @param asset `ETH` (address(0)) or a token.
    /// @param account The account credited.
    /// @return amount The amount paid.
    function claim(address asset, address account) external nonReentrant returns (uint256 amount) {
        amount = accountClaimable[asset][account];
        if (amount == 0) revert NothingToClaim();
        accountClaimable[asset][account] = 0;
        totalClaimable[asset] -= amount;
        emit AccountClaimed(asset, account, msg.sender, amount);
        _pay(asset, account, amount);
    }

    /// @notice Credit funds held beyond all claimable balances (forced ETH, stray token transfers)
    ///         to the Collective, so nothing stays unassigned. Anyone may call, for ETH or a token
    ///         the registry allows: a token reachable at a second address over the same balances
    ///         would otherwise show every credited balance as surplus there.
    /// @param asset `ETH` (address(0)) or an allowed token.
    /// @return amount The amount credited.
    function creditSurplus(address asset) external nonReentrant returns (uint256 amount) {
        if (asset != ETH && !REGISTRY.isTokenAllowed(asset)) revert TokenNotAllowed(asset);
        amount = surplus(asset);
        if (amount == 0) revert NothingToClaim();
        address collective = REGISTRY.collective();
        accountClaimable[asset][collective] += amount;
        totalClaimable[asset] += amount;
        emit SurplusCredited(asset, collective, amount);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Change the reporter. Governance only.
    /// @param newReporter The new reporting account.
    function setReporter(address newReporter) external onlyGovernance {
        if (newReporter == address(0)) revert ZeroAddress();
        emit ReporterUpdated(reporter, newReporter);
        reporter = newReporter;
    }

    /// @notice Change the operator fee and its recipient; applies from the next report. Governance only.
    /// @param recipient Where fees are credited.
    /// @param feeBps The fee in bps of each chain's gross (at most `MAX_OPERATOR_FEE_BPS`).
    function setOperatorFee(address recipient, uint16 feeBps) external onlyGovernance {
        if (recipient == address(0)) revert ZeroAddress();
        if (feeBps > MAX_OPERATOR_FEE_BPS) revert InvalidFee(feeBps);
        operatorFeeRecipient = recipient;
        operatorFeeBps = feeBps;
        wasOperatorFeeRecipient[recipient] = true;
        emit OperatorFeeUpdated(recipient, feeBps);
    }

    /// @notice Move the balance of a former Collective address to the current Collective, or of a
    ///         former operator fee recipient to the current one (for instance when the old address
    ///         can no longer receive a token). Governance only; to the successor and no one else.
    /// @param asset `ETH` (address(0)) or a token.
    /// @param from A former Collective or operator fee recipient with a balance.
    /// @return to The successor credited.
    /// @return amount The amount moved.
    function moveCredit(address asset, address from)
        external
        onlyGovernance
        nonReentrant
        returns (address to, uint256 amount)
    {
        address collective = REGISTRY.collective();
        // A current holder of either role keeps its balance, whatever it was before.
        if (from == collective || from == operatorFeeRecipient) revert NoSuccessor(from);
        if (REGISTRY.wasCollective(from)) {
            to = collective;
        } else if (wasOperatorFeeRecipient[from]) {
            to = operatorFeeRecipient;
        } else {
            revert NoSuccessor(from);
        }
        amount = accountClaimable[asset][from];
        if (amount == 0) return (to, 0); // nothing to move: not an error, so proposals can include it
        accountClaimable[asset][from] = 0;
        accountClaimable[asset][to] += amount;
        emit CreditMoved(asset, from, to, amount);
    }

    // ------------------------------------------------------------------ views

    /// @notice A chain's claimable balance in `asset`.
    /// @param asset `ETH` (address(0)) or a token.
    /// @param chainId Any chain id.
    function chainClaimable(address asset, uint256 chainId) external view returns (uint256) {
        return _chainSlots[asset][chainId] >> _TERMS_BITS;
    }

    /// @notice Funds held beyond all claimable balances.
    /// @param asset `ETH` (address(0)) or a token.
    function surplus(address asset) public view returns (uint256) {
        uint256 held = asset == ETH ? address(this).balance : IERC20(asset).balanceOf(address(this));
        return held - totalClaimable[asset];
    }

    // ------------------------------------------------------------------ internals

    /// @dev One report's settings (what was paid, the start of its period, the registry's terms
    ///      version, the operator fee) and its running totals.
    struct Totals {
        uint256 paid;
        uint256 since;
        uint256 version;
        uint256 feeBps;
        uint256 attributed;
        uint256 operatorFee;
        uint256 collectiveShare;
        uint256 previousChainId;
        uint256 settlementsAt; // packed reports: where the next chain's settlement is written
    }

    function _settle(address asset, uint256 epoch, ChainRevenue[] calldata revenues, uint256 paid) private {
        uint256 count = _startReport(epoch, revenues.length);
        mapping(uint256 => uint256) storage slots = _chainSlots[asset];
        Totals memory totals = _totals(paid);
        for (uint256 i; i < count; ++i) {
            ChainRevenue calldata revenue = revenues[i];
            _settleOne(slots, totals, revenue.chainId, revenue.gross, revenue.l1Cost);
        }
        _finishReport(asset, epoch, count, totals);
    }

    /// @dev The checks every report starts with; records the epoch. Returns `count`.
    function _startReport(uint256 epoch, uint256 count) private returns (uint256) {
        if (msg.sender != reporter) revert NotReporter(msg.sender);
        if (REGISTRY.paused()) revert DisbursementsPaused();
        // One at a time: an arbitrary jump (to 2^256 - 1, say) would end all later reports.
        if (epoch != lastEpoch + 1) revert EpochNotNext(epoch, lastEpoch + 1);
        if (count == 0) revert EmptyReport();
        lastEpoch = epoch;
        return count;
    }

    /// @dev A report's settings and empty running totals. The period it settles starts at the last
    ///      report; now becomes the next one's start.
    function _totals(uint256 paid) private returns (Totals memory totals) {
        totals.paid = paid;
        totals.since = lastReportTime;
        totals.version = REGISTRY.termsVersion();
        totals.feeBps = operatorFeeBps;
        lastReportTime = uint64(block.timestamp);
    }

    /// @dev Credits the Collective and the operator with a report's totals and emits `EpochReported`.
    function _finishReport(address asset, uint256 epoch, uint256 count, Totals memory totals) private {
        uint256 paid = totals.paid;
        if (totals.attributed != paid) revert AttributionMismatch(totals.attributed, paid);

        address collective = REGISTRY.collective();
        address feeRecipient = operatorFeeRecipient;
        accountClaimable[asset][collective] += totals.collectiveShare;
        if (totals.operatorFee != 0) accountClaimable[asset][feeRecipient] += totals.operatorFee;
        totalClaimable[asset] += paid;
        emit EpochReported(
            epoch,
            asset,
            count,
            paid,
            totals.operatorFee,
            totals.collectiveShare,
            paid - totals.operatorFee - totals.collectiveShare,
            collective,
            feeRecipient
        );
    }

    /// @dev One chain of a report: order and attribution checks, its settlement, the running totals.
    function _settleOne(
        mapping(uint256 => uint256) storage slots,
        Totals memory totals,
        uint256 chainId,
        uint256 gross,
        uint256 l1Cost
    ) private {
        uint256 paid = totals.paid;
        if (chainId <= totals.previousChainId) revert ChainsNotSorted(chainId);
        totals.previousChainId = chainId;
        // Running check: the sum never exceeds what was paid, so it cannot overflow either.
        if (gross > paid - totals.attributed) revert AttributionMismatch(totals.attributed + gross, paid);
        (uint256 fee, uint256 collectiveShare) = _settleChain(slots, totals, chainId, gross, l1Cost);
        // No overflow: every sum is bounded by `paid` (checked above; fee + share <= gross).
        unchecked {
            totals.attributed += gross;
            totals.operatorFee += fee;
            totals.collectiveShare += collectiveShare;
        }
    }

    /// @dev Splits one chain's revenue, credits its share in its slot and emits its settlement.
    function _settleChain(
        mapping(uint256 => uint256) storage slots,
        Totals memory totals,
        uint256 chainId,
        uint256 gross,
        uint256 l1Cost
    ) private returns (uint256 fee, uint256 collectiveShare) {
        uint256 packed = slots[chainId];
        uint256 version = totals.version;
        uint256 since = totals.since;
        if (uint32(packed) != version || since >= (packed >> 72) & 0xffffffff) {
            packed = _refreshTerms(packed, chainId, version, since);
        }
        if ((packed >> 32) & 0xff == 0) revert ChainInactive(chainId);
        uint256 chainShare;
        (fee, collectiveShare, chainShare,) =
            RevenueShareMath.splitWithFee(
            gross, l1Cost, (packed >> 56) & 0xffff, (packed >> 40) & 0xffff, totals.feeBps
        );
        uint256 balance = (packed >> _TERMS_BITS) + chainShare;
        if (balance > _MAX_CLAIMABLE) revert BalanceTooLarge(chainId);
        slots[chainId] = (balance << _TERMS_BITS) | (packed & _TERMS_MASK);
        uint256 at = totals.settlementsAt;
        if (at != 0) {
            // A packed report: the chain's 56 bytes of `ChainsSettled` (the reported word, then the
            // fee and the share; the second store's zero tail is overwritten by the next chain's,
            // the last one's lands in free memory). Both are at most gross < 2^96.
            assembly ("memory-safe") {
                mstore(at, or(shl(192, chainId), or(shl(96, gross), l1Cost)))
                mstore(add(at, 32), or(shl(160, fee), shl(64, collectiveShare)))
            }
            totals.settlementsAt = at + SETTLEMENT_BYTES;
            return (fee, collectiveShare);
        }
        // emit ChainSettled(chainId, gross, l1Cost, fee, collectiveShare, chainShare), written out to skip
        // the ABI encoder on the hot path; tests decode these logs through the declared event.
        bytes32 topic = ChainSettled.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, gross)
            mstore(add(ptr, 0x20), l1Cost)
            mstore(add(ptr, 0x40), fee)
            mstore(add(ptr, 0x60), collectiveShare)
            mstore(add(ptr, 0x80), chainShare)
            log2(ptr, 0xa0, topic, chainId)
        }
    }

    /// @dev Re-reads a chain's terms for a period starting at `since` from the registry (reverts for
    ///      an unknown chain) into its slot.
    function _refreshTerms(uint256 packed, uint256 chainId, uint256 version, uint256 since)
        private
        view
        returns (uint256)
    {
        IChainRegistry.Settlement memory terms = REGISTRY.settlementTerms(chainId, since);
        uint256 validUntil = terms.nextChangeAt > type(uint32).max ? type(uint32).max : terms.nextChangeAt;
        return (packed & ~_TERMS_MASK) | (validUntil << 72) | (uint256(terms.grossBps) << 56)
            | (uint256(terms.netBps) << 40) | (terms.active || terms.exited ? uint256(1) << 32 : 0) | uint256(version);
    }

    /// @dev Pays a claim: tokens and L2 destinations by transfer, ETH for an L1 destination through
    ///      the bridge or message passer (all of it, if at least the route's minimum). Any failure
    ///      reverts, so the balance stays claimable.
    function _pay(address asset, address to, uint256 amount) private {
        if (asset != ETH) {
            IERC20(asset).safeTransfer(to, amount);
            return;
        }
        IChainRegistry.Destination memory destination = REGISTRY.destinationOf(to);
        bool success;
        if (destination.route == IChainRegistry.Route.L2) {
            assembly ("memory-safe") {
                success := call(gas(), to, amount, 0, 0, 0, 0)
            }
        } else {
            if (amount < destination.minAmount) revert BelowL1Minimum(to, amount, destination.minAmount);
            emit L2Withdrawals.L1WithdrawalInitiated(
                to, destination.l1Recipient, amount, destination.route, destination.l1GasLimit
            );
            success = L2Withdrawals.initiate(destination, amount, gasleft());
        }
        if (!success) revert ClaimFailed(to);
    }
}
