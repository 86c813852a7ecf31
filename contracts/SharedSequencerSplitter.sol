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
///      Attribution is checkable: each report names the time window it settles, the same on every
///      chain's own clock (after the previous report's window end, up to its own), so windows follow
///      each other with no overlap and no gap, and anyone can match a chain's settlement with its fee
///      vaults' withdrawals in the window. With a dispute window set by governance, a chain's treasury
///      (or governance) may dispute the latest epoch before its window closes: the epoch's credits
///      are then held until governance confirms them or corrects them by a compensating report.
///      While the latest epoch can still be disputed, no claim is paid (so a dispute holds every
///      credit of the epoch); the next report waits as long again after the window closes, so
///      claims are open for at least that long between epochs. Windows run per asset.
contract SharedSequencerSplitter is ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice One chain's part of an epoch report.
    struct ChainRevenue {
        uint256 chainId;
        uint256 gross;
        uint256 l1Cost;
    }

    /// @notice What an epoch report committed to, as a dispute or a resolution restates it (from the
    ///         report's logs: `EpochReported`, `EpochWindow` and the chains' settlements).
    struct EpochFacts {
        /// The asset reported.
        address asset;
        /// The Collective credited (`EpochReported.collective`).
        address collective;
        /// The operator fee recipient credited (`EpochReported.operatorFeeRecipient`).
        address feeRecipient;
        /// The operator fee applied, in bps.
        uint16 feeBps;
        /// The start of the period whose terms applied (`EpochWindow.termsSince`).
        uint64 since;
        /// Whether the report was packed (`reportEpochPacked`).
        bool packed;
        /// The chains' settlements: for a packed report, the `ChainsSettled` bytes; otherwise, per
        ///  chain in report order, six words: chain id, then `ChainSettled`'s five values.
        bytes records;
    }

    /// @notice Where an epoch is in the dispute path.
    enum EpochStatus {
        Unknown,
        Reported,
        Disputed,
        Confirmed,
        Corrected
    }

    /// @notice What the contract keeps of each epoch for the dispute path.
    struct EpochRecord {
        /// keccak256 of the epoch's facts (see `epochDigest`).
        bytes32 digest;
        /// Disputes are accepted before this time.
        uint64 disputableUntil;
        /// The next epoch may be reported from this time: the dispute window, then as long again
        /// with claims open, so a prompt reporter cannot keep every claim waiting.
        uint64 reportableAt;
        /// Where the epoch is in the dispute path.
        EpochStatus status;
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
    /// @notice Longest dispute window governance may set.
    uint32 public constant MAX_DISPUTE_WINDOW = 30 days;
    /// @notice Bytes per chain of a non-packed report's records in `EpochFacts`: six words.
    uint256 public constant RECORD_BYTES = 192;
    /// @notice Bytes per chain in `ChainsSettled`: the packed report's word, then the operator fee
    ///         and the Collective's share (uint96 each).
    uint256 public constant SETTLEMENT_BYTES = 56;

    /// @notice The registry: chains, terms, the Collective, governance (its owner), pause.
    IChainRegistry public immutable REGISTRY;

    /// @notice The only account that may report epochs (the sequencer operator).
    address public reporter;
    /// @notice How long after its report an epoch may be disputed, in seconds (0: no disputes).
    uint32 public disputeWindow;
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
    mapping(uint256 epoch => EpochRecord) private _epochs;
    /// @notice Per asset, the end of the last window reported in it (a timestamp on each chain's
    ///         own clock); the asset's next window starts just after it. Zero before its first report
    ///         unless governance set where the first window starts (`setWindowStart`).
    mapping(address asset => uint64 windowEnd) public lastWindowEnd;

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
    /// @notice What an epoch settles and commits to, emitted after its `EpochReported`: the window
    ///         (`windowStart`, `windowEnd`] on every chain's clock, the start of the period whose
    ///         terms applied, the operator fee applied, until when it may be disputed (the report's
    ///         time when there is no dispute window), and the digest of its facts (`epochDigest`).
    event EpochWindow(
        uint256 indexed epoch,
        uint256 windowStart,
        uint256 windowEnd,
        uint256 termsSince,
        uint256 feeBps,
        uint256 disputableUntil,
        bytes32 digest
    );
    /// @notice An epoch was disputed; its credits are held until governance resolves it.
    event EpochDisputed(
        uint256 indexed epoch,
        uint256 indexed chainId,
        address indexed disputer,
        uint256 chainsHeld,
        uint256 operatorFeeHeld,
        uint256 collectiveShareHeld
    );
    /// @notice Governance confirmed a disputed epoch: its held credits are claimable again.
    event EpochConfirmed(uint256 indexed epoch, uint256 gross);
    /// @notice Governance corrected a disputed epoch: its held credits were replaced by the corrected
    ///         settlement (its `ChainSettled` events precede this one in the same transaction), which
    ///         may add `added` to what the report paid.
    event EpochCorrected(
        uint256 indexed epoch,
        address indexed asset,
        uint256 chainCount,
        uint256 gross,
        uint256 added,
        uint256 operatorFee,
        uint256 collectiveShare,
        uint256 chainShare
    );
    /// @notice Where the first window of `asset` starts (before it, revenue is not the splitter's).
    event WindowStartSet(address indexed asset, uint64 start);
    /// @notice The dispute window changed; applies to epochs reported from now on.
    event DisputeWindowUpdated(uint32 window);
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
    /// @notice A report's window must end after the last one's and not in the future.
    error InvalidWindow(uint256 windowEnd, uint256 lastWindowEnd);
    /// @notice The last epoch can still be disputed until `until`: claims wait.
    error DisputeWindowOpen(uint256 until);
    /// @notice The next epoch may be reported from `reportableAt` (the last one's dispute window, then
    ///         as long again for claims).
    error ReportTooSoon(uint256 reportableAt);
    /// @notice This splitter has never settled the chain in the epoch's asset, so its treasury has
    ///         nothing to dispute here.
    error NotServed(uint256 chainId);
    /// @notice Windows can only be started before the first report.
    error AlreadyReporting();
    /// @notice The epoch cannot be disputed (unknown, already disputed or resolved, or too late).
    error NotDisputable(uint256 epoch);
    /// @notice The epoch is not disputed, so there is nothing to resolve.
    error NotDisputed(uint256 epoch);
    /// @notice Only the chain's treasury or governance may dispute.
    error NotTreasury(address account, uint256 chainId);
    /// @notice The facts given do not match what the epoch's report committed to.
    error FactsMismatch(uint256 epoch);
    /// @notice Dispute window above `MAX_DISPUTE_WINDOW`.
    error InvalidDisputeWindow(uint256 window);
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
    /// @param windowEnd The end of the window the epoch settles (a timestamp, on every chain's own
    ///        clock): after the asset's `lastWindowEnd`, not after now, and (for the attribution to be
    ///        checkable) not after any served chain's safe head. The window starts just after the
    ///        asset's `lastWindowEnd`.
    /// @param revenues Per chain (sorted by chain id, no duplicates): gross revenue and L1 cost.
    function reportEpoch(uint256 epoch, uint64 windowEnd, ChainRevenue[] calldata revenues)
        external
        payable
        nonReentrant
    {
        _settle(ETH, epoch, windowEnd, revenues, msg.value);
    }

    /// @notice `reportEpoch` with the chains packed: 32 bytes each instead of 96, which an OP Stack
    ///         chain also charges as L1 data. Per chain, big-endian and concatenated: chain id
    ///         (8 bytes), gross (12 bytes), L1 cost (12 bytes). Same rules and state as
    ///         `reportEpoch`; the chains' settlements are in one `ChainsSettled` event instead of
    ///         a `ChainSettled` each. Amounts of 2^96 or more need the ABI form.
    /// @param epoch The epoch id: `lastEpoch + 1`.
    /// @param windowEnd The end of the window the epoch settles (see `reportEpoch`).
    /// @param packed The chains (sorted by chain id, no duplicates), 32 bytes each.
    function reportEpochPacked(uint256 epoch, uint64 windowEnd, bytes calldata packed)
        external
        payable
        nonReentrant
    {
        if (packed.length % PACKED_CHAIN_BYTES != 0) revert MalformedReport(packed.length);
        (uint256 count, uint64 windowStart) = _startReport(ETH, epoch, windowEnd, packed.length / PACKED_CHAIN_BYTES);
        mapping(uint256 => uint256) storage slots = _chainSlots[ETH];
        Totals memory totals = _totals(msg.value, count, true, windowStart, windowEnd);
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
        emit ChainsSettled(epoch, totals.records);
        _finishReport(ETH, epoch, count, totals);
    }

    /// @notice Report an epoch of revenue in an allowed ERC-20; `amount` is pulled from the reporter
    ///         (approve it first) and must equal the sum of the chains' gross.
    /// @param token A token the registry allows.
    /// @param epoch The epoch id: `lastEpoch + 1`.
    /// @param windowEnd The end of the window the epoch settles (see `reportEpoch`).
    /// @param revenues Per chain (sorted by chain id, no duplicates): gross revenue and L1 cost.
    /// @param amount The amount paid in.
    function reportEpochToken(
        address token,
        uint256 epoch,
        uint64 windowEnd,
        ChainRevenue[] calldata revenues,
        uint256 amount
    ) external nonReentrant {
        if (token == ETH || !REGISTRY.isTokenAllowed(token)) revert TokenNotAllowed(token);
        _settle(token, epoch, windowEnd, revenues, amount);
        _pullToken(token, amount);
    }

    // ------------------------------------------------------------------ disputes

    /// @notice Dispute an epoch before its dispute window closes: every credit it made (the chains'
    ///         shares, the operator fee, the Collective's share) is held from claims until
    ///         governance confirms or corrects it. Only governance, or the treasury of a chain this
    ///         splitter has settled in the epoch's asset (one the report left out may dispute too):
    ///         the registered treasury itself or, for a treasury paid on L1, its L1 account through
    ///         a deposit (the aliased sender of the treasury or of its L1 recipient).
    /// @param epoch The epoch disputed: reported, not yet disputed, its window still open.
    /// @param chainId The disputing treasury's chain (ignored for governance).
    /// @param facts The epoch's facts, from its report's logs; must match its digest.
    function disputeEpoch(uint256 epoch, uint256 chainId, EpochFacts calldata facts) external nonReentrant {
        EpochRecord storage record = _epochs[epoch];
        if (record.status != EpochStatus.Reported || block.timestamp >= record.disputableUntil) {
            revert NotDisputable(epoch);
        }
        _checkFacts(epoch, record, facts);
        if (msg.sender != REGISTRY.owner()) {
            if (_chainSlots[facts.asset][chainId] == 0) revert NotServed(chainId);
            if (!_speaksFor(chainId, msg.sender)) revert NotTreasury(msg.sender, chainId);
        }
        record.status = EpochStatus.Disputed;
        (, uint256 fee, uint256 share, uint256 chains) = _moveCredits(facts, false);
        emit EpochDisputed(epoch, chainId, msg.sender, chains, fee, share);
    }

    /// @notice Confirm a disputed epoch as reported: its held credits become claimable again.
    ///         Governance only.
    /// @param epoch A disputed epoch.
    /// @param facts The epoch's facts, from its report's logs; must match its digest.
    function confirmEpoch(uint256 epoch, EpochFacts calldata facts) external onlyGovernance nonReentrant {
        EpochRecord storage record = _epochs[epoch];
        if (record.status != EpochStatus.Disputed) revert NotDisputed(epoch);
        _checkFacts(epoch, record, facts);
        record.status = EpochStatus.Confirmed;
        (uint256 gross,,,) = _moveCredits(facts, true);
        emit EpochConfirmed(epoch, gross);
    }

    /// @notice Correct a disputed epoch by a compensating report: its held credits are dropped and
    ///         `corrected` is settled in their place, with the epoch's terms (those in force at
    ///         `facts.since`), operator fee, Collective and fee recipient. The corrected gross must be
    ///         the reported gross plus `added`, which governance pays in (ETH as `msg.value`, a token
    ///         pulled from the caller): a shift between chains adds nothing, an under-report adds
    ///         what was missing. Governance only.
    /// @param epoch A disputed epoch.
    /// @param facts The epoch's facts, from its report's logs; must match its digest.
    /// @param corrected The corrected attribution (sorted by chain id, no duplicates).
    /// @param added What is paid in on top of the reported gross.
    function correctEpoch(uint256 epoch, EpochFacts calldata facts, ChainRevenue[] calldata corrected, uint256 added)
        external
        payable
        onlyGovernance
        nonReentrant
    {
        EpochRecord storage record = _epochs[epoch];
        if (record.status != EpochStatus.Disputed) revert NotDisputed(epoch);
        _checkFacts(epoch, record, facts);
        record.status = EpochStatus.Corrected;
        address asset = facts.asset;
        if (asset == ETH ? msg.value != added : msg.value != 0) revert AttributionMismatch(msg.value, added);
        (uint256 gross,,,) = _epochTotals(facts);
        Totals memory totals = _correctionTotals(gross + added, facts.since, facts.feeBps);
        mapping(uint256 => uint256) storage slots = _chainSlots[asset];
        uint256 count = corrected.length;
        if (count == 0) revert EmptyReport();
        for (uint256 i; i < count; ++i) {
            ChainRevenue calldata revenue = corrected[i];
            _correctOne(slots, totals, revenue.chainId, revenue.gross, revenue.l1Cost);
        }
        if (totals.attributed != totals.paid) revert AttributionMismatch(totals.attributed, totals.paid);
        accountClaimable[asset][facts.collective] += totals.collectiveShare;
        if (totals.operatorFee != 0) accountClaimable[asset][facts.feeRecipient] += totals.operatorFee;
        totalClaimable[asset] += added;
        emit EpochCorrected(
            epoch,
            asset,
            count,
            totals.paid,
            added,
            totals.operatorFee,
            totals.collectiveShare,
            totals.paid - totals.operatorFee - totals.collectiveShare
        );
        if (asset != ETH && added != 0) _pullToken(asset, added);
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
        _requireWindowClosed();
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
        _requireWindowClosed();
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
        _requireWindowClosed();
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

    /// @notice Set where the first window of `asset` starts, so revenue its served chains earned
    ///         before (outside the agreement) is not counted as the first epoch's. Governance only,
    ///         before the first report.
    /// @param asset `ETH` (address(0)) or a token.
    /// @param start A timestamp, not in the future; the first window is (`start`, its end].
    function setWindowStart(address asset, uint64 start) external onlyGovernance {
        if (lastEpoch != 0) revert AlreadyReporting();
        if (start > block.timestamp) revert InvalidWindow(start, lastWindowEnd[asset]);
        lastWindowEnd[asset] = start;
        emit WindowStartSet(asset, start);
    }

    /// @notice Change the dispute window; applies to epochs reported from now on. Governance only.
    /// @param window Seconds after its report during which an epoch may be disputed (0: none), at
    ///        most `MAX_DISPUTE_WINDOW`. Reports must then be at least twice this far apart: the
    ///        window, then as long again with claims open.
    function setDisputeWindow(uint32 window) external onlyGovernance {
        if (window > MAX_DISPUTE_WINDOW) revert InvalidDisputeWindow(window);
        disputeWindow = window;
        emit DisputeWindowUpdated(window);
    }

    // ------------------------------------------------------------------ views

    /// @notice What the contract keeps of an epoch for the dispute path (all zero for an epoch
    ///         reported with no dispute window, or not reported).
    /// @param epoch Any epoch id.
    function epochRecord(uint256 epoch) external view returns (EpochRecord memory) {
        return _epochs[epoch];
    }

    /// @notice The digest an epoch's report commits to, of the facts a dispute restates.
    /// @param facts An epoch's facts.
    function epochDigest(EpochFacts calldata facts) public pure returns (bytes32) {
        return _digest(facts.asset, facts.collective, facts.feeRecipient, facts.feeBps, facts.since, facts.packed, keccak256(facts.records));
    }

    /// @notice Until when claims wait for the last epoch's dispute window (0 or past: claims are open).
    function claimsOpenAt() public view returns (uint256) {
        return _epochs[lastEpoch].disputableUntil;
    }

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
        uint256 recordsAt; // where the next chain's record is written
        bool packed; // a packed report: 56-byte records, one `ChainsSettled`; else 192 bytes, `ChainSettled` each
        uint256 windowStart;
        uint256 windowEnd;
        bytes records; // the chains' records, whose hash the epoch's digest includes
    }

    function _settle(address asset, uint256 epoch, uint64 windowEnd, ChainRevenue[] calldata revenues, uint256 paid)
        private
    {
        (uint256 count, uint64 windowStart) = _startReport(asset, epoch, windowEnd, revenues.length);
        mapping(uint256 => uint256) storage slots = _chainSlots[asset];
        Totals memory totals = _totals(paid, count, false, windowStart, windowEnd);
        for (uint256 i; i < count; ++i) {
            ChainRevenue calldata revenue = revenues[i];
            _settleOne(slots, totals, revenue.chainId, revenue.gross, revenue.l1Cost);
        }
        _finishReport(asset, epoch, count, totals);
    }

    /// @dev The checks every report starts with; records the epoch and the asset's window. Returns
    ///      `count` and the window's start (the asset's last window end).
    function _startReport(address asset, uint256 epoch, uint64 windowEnd, uint256 count)
        private
        returns (uint256, uint64 previousEnd)
    {
        if (msg.sender != reporter) revert NotReporter(msg.sender);
        if (REGISTRY.paused()) revert DisbursementsPaused();
        uint256 previous = lastEpoch;
        // One at a time: an arbitrary jump (to 2^256 - 1, say) would end all later reports.
        if (epoch != previous + 1) revert EpochNotNext(epoch, previous + 1);
        if (count == 0) revert EmptyReport();
        uint64 reportableAt = _epochs[previous].reportableAt;
        if (block.timestamp < reportableAt) revert ReportTooSoon(reportableAt);
        previousEnd = lastWindowEnd[asset];
        if (windowEnd <= previousEnd || windowEnd > block.timestamp) revert InvalidWindow(windowEnd, previousEnd);
        lastEpoch = epoch;
        lastWindowEnd[asset] = windowEnd;
        return (count, previousEnd);
    }

    /// @dev A report's settings and empty running totals, with room for its `count` records. The
    ///      period whose terms it applies starts at the last report; now becomes the next one's start.
    function _totals(uint256 paid, uint256 count, bool packed, uint64 windowStart, uint64 windowEnd)
        private
        returns (Totals memory totals)
    {
        totals.paid = paid;
        totals.since = lastReportTime;
        totals.version = REGISTRY.termsVersion();
        totals.feeBps = operatorFeeBps;
        totals.packed = packed;
        totals.windowStart = windowStart;
        totals.windowEnd = windowEnd;
        lastReportTime = uint64(block.timestamp);
        bytes memory records = new bytes(count * (packed ? SETTLEMENT_BYTES : RECORD_BYTES));
        uint256 recordsAt;
        assembly ("memory-safe") {
            recordsAt := add(records, 0x20)
        }
        totals.records = records;
        totals.recordsAt = recordsAt;
    }

    /// @dev Credits the Collective and the operator with a report's totals, records the epoch for the
    ///      dispute path (when there is a dispute window) and emits `EpochReported` and `EpochWindow`.
    function _finishReport(address asset, uint256 epoch, uint256 count, Totals memory totals) private {
        uint256 paid = totals.paid;
        if (totals.attributed != paid) revert AttributionMismatch(totals.attributed, paid);

        address collective = REGISTRY.collective();
        address feeRecipient = operatorFeeRecipient;
        accountClaimable[asset][collective] += totals.collectiveShare;
        if (totals.operatorFee != 0) accountClaimable[asset][feeRecipient] += totals.operatorFee;
        totalClaimable[asset] += paid;
        bytes32 digest = _digest(
            asset, collective, feeRecipient, totals.feeBps, totals.since, totals.packed, keccak256(totals.records)
        );
        uint256 disputableUntil = block.timestamp;
        uint32 window = disputeWindow;
        if (window != 0) {
            disputableUntil += window;
            _epochs[epoch] =
                EpochRecord(digest, uint64(disputableUntil), uint64(disputableUntil + window), EpochStatus.Reported);
        }
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
        emit EpochWindow(
            epoch, totals.windowStart, totals.windowEnd, totals.since, totals.feeBps, disputableUntil, digest
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
        uint256 at = totals.recordsAt;
        if (totals.packed) {
            // A packed report: the chain's 56 bytes of `ChainsSettled` (the reported word, then the
            // fee and the share; the second store's zero tail is overwritten by the next chain's,
            // the last one's lands in the records' length word of nothing: the free memory after them).
            // Both are at most gross < 2^96.
            assembly ("memory-safe") {
                mstore(at, or(shl(192, chainId), or(shl(96, gross), l1Cost)))
                mstore(add(at, 32), or(shl(160, fee), shl(64, collectiveShare)))
            }
            totals.recordsAt = at + SETTLEMENT_BYTES;
            return (fee, collectiveShare);
        }
        // The chain's record (its id, then its `ChainSettled` values), and from it
        // emit ChainSettled(chainId, gross, l1Cost, fee, collectiveShare, chainShare), written out to skip
        // the ABI encoder on the hot path; tests decode these logs through the declared event.
        bytes32 topic = ChainSettled.selector;
        assembly ("memory-safe") {
            mstore(at, chainId)
            mstore(add(at, 0x20), gross)
            mstore(add(at, 0x40), l1Cost)
            mstore(add(at, 0x60), fee)
            mstore(add(at, 0x80), collectiveShare)
            mstore(add(at, 0xa0), chainShare)
            log2(add(at, 0x20), 0xa0, topic, chainId)
        }
        totals.recordsAt = at + RECORD_BYTES;
    }

    /// @dev One chain of a compensating report: like `_settleOne`, with the terms in force at the
    ///      epoch's period start read from the registry (the cached terms may be a later period's).
    function _correctOne(
        mapping(uint256 => uint256) storage slots,
        Totals memory totals,
        uint256 chainId,
        uint256 gross,
        uint256 l1Cost
    ) private {
        if (chainId <= totals.previousChainId) revert ChainsNotSorted(chainId);
        totals.previousChainId = chainId;
        if (gross > totals.paid - totals.attributed) {
            revert AttributionMismatch(totals.attributed + gross, totals.paid);
        }
        IChainRegistry.Settlement memory terms = REGISTRY.settlementTerms(chainId, totals.since);
        if (!terms.active && !terms.exited) revert ChainInactive(chainId);
        (uint256 fee, uint256 collectiveShare, uint256 chainShare,) =
            RevenueShareMath.splitWithFee(gross, l1Cost, terms.grossBps, terms.netBps, totals.feeBps);
        _addToChain(slots, chainId, chainShare);
        emit ChainSettled(chainId, gross, l1Cost, fee, collectiveShare, chainShare);
        unchecked {
            totals.attributed += gross;
            totals.operatorFee += fee;
            totals.collectiveShare += collectiveShare;
        }
    }

    /// @dev A compensating report's settings (what it must attribute, the epoch's period start and
    ///      fee) and empty running totals.
    function _correctionTotals(uint256 paid, uint256 since, uint256 feeBps)
        private
        pure
        returns (Totals memory totals)
    {
        totals.paid = paid;
        totals.since = since;
        totals.feeBps = feeBps;
    }

    /// @dev Adds to a chain's claimable balance, keeping its cached terms.
    function _addToChain(mapping(uint256 => uint256) storage slots, uint256 chainId, uint256 amount) private {
        uint256 packed = slots[chainId];
        uint256 balance = (packed >> _TERMS_BITS) + amount;
        if (balance > _MAX_CLAIMABLE) revert BalanceTooLarge(chainId);
        slots[chainId] = (balance << _TERMS_BITS) | (packed & _TERMS_MASK);
    }

    /// @dev An epoch's totals from its records: gross, operator fee, Collective share, chains' share.
    function _epochTotals(EpochFacts calldata facts)
        private
        pure
        returns (uint256 gross, uint256 fee, uint256 share, uint256 chains)
    {
        uint256 size = facts.packed ? SETTLEMENT_BYTES : RECORD_BYTES;
        uint256 count = facts.records.length / size;
        for (uint256 i; i < count; ++i) {
            (, uint256 g, uint256 f, uint256 c) = _record(facts, i * size);
            gross += g;
            fee += f;
            share += c;
        }
        chains = gross - fee - share;
    }

    /// @dev One chain's record at `offset` of `facts.records`: chain id, gross, operator fee,
    ///      Collective share.
    function _record(EpochFacts calldata facts, uint256 offset)
        private
        pure
        returns (uint256 chainId, uint256 gross, uint256 fee, uint256 share)
    {
        bytes calldata records = facts.records;
        if (facts.packed) {
            uint256 head;
            uint256 tail;
            assembly ("memory-safe") {
                head := calldataload(add(records.offset, offset))
                tail := calldataload(add(records.offset, add(offset, 32)))
            }
            chainId = head >> 192;
            gross = (head >> 96) & 0xffffffffffffffffffffffff;
            fee = tail >> 160;
            share = (tail >> 64) & 0xffffffffffffffffffffffff;
        } else {
            assembly ("memory-safe") {
                chainId := calldataload(add(records.offset, offset))
                gross := calldataload(add(records.offset, add(offset, 0x20)))
                fee := calldataload(add(records.offset, add(offset, 0x60)))
                share := calldataload(add(records.offset, add(offset, 0x80)))
            }
        }
    }

    /// @dev Takes an epoch's credits out of the claimable balances into the hold (`back` false), or
    ///      puts them back (`back` true). Claims wait while an epoch can be disputed, so every credit
    ///      of a disputed epoch is still there. Returns the epoch's totals.
    function _moveCredits(EpochFacts calldata facts, bool back)
        private
        returns (uint256 gross, uint256 fee, uint256 share, uint256 chains)
    {
        address asset = facts.asset;
        mapping(uint256 => uint256) storage slots = _chainSlots[asset];
        uint256 size = facts.packed ? SETTLEMENT_BYTES : RECORD_BYTES;
        uint256 count = facts.records.length / size;
        for (uint256 i; i < count; ++i) {
            (uint256 chainId, uint256 g, uint256 f, uint256 c) = _record(facts, i * size);
            uint256 chainShare = g - f - c;
            if (back) {
                _addToChain(slots, chainId, chainShare);
            } else {
                uint256 packed = slots[chainId];
                slots[chainId] = (((packed >> _TERMS_BITS) - chainShare) << _TERMS_BITS) | (packed & _TERMS_MASK);
            }
            gross += g;
            fee += f;
            share += c;
        }
        chains = gross - fee - share;
        mapping(address => uint256) storage accounts = accountClaimable[asset];
        if (back) {
            accounts[facts.collective] += share;
            accounts[facts.feeRecipient] += fee;
        } else {
            accounts[facts.collective] -= share;
            accounts[facts.feeRecipient] -= fee;
        }
    }

    /// @dev Reverts unless `facts` are what the epoch's report committed to.
    function _checkFacts(uint256 epoch, EpochRecord storage record, EpochFacts calldata facts) private view {
        uint256 size = facts.packed ? SETTLEMENT_BYTES : RECORD_BYTES;
        if (facts.records.length % size != 0 || epochDigest(facts) != record.digest) revert FactsMismatch(epoch);
    }

    /// @dev The digest of an epoch's facts (its records by their hash).
    function _digest(
        address asset,
        address collective,
        address feeRecipient,
        uint256 feeBps,
        uint256 since,
        bool packed,
        bytes32 recordsHash
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(asset, collective, feeRecipient, feeBps, since, packed, recordsHash));
    }

    /// @dev Whether `account` speaks for the chain's treasury: the treasury, or for a treasury paid on
    ///      L1, the L2 alias of the treasury or of its L1 recipient (a deposit from that L1 account).
    function _speaksFor(uint256 chainId, address account) private view returns (bool) {
        address treasury = REGISTRY.getChain(chainId).treasury;
        if (account == treasury) return true;
        IChainRegistry.Destination memory destination = REGISTRY.destinationOf(treasury);
        if (destination.route == IChainRegistry.Route.L2) return false;
        return account == _l2Alias(treasury) || account == _l2Alias(destination.l1Recipient);
    }

    /// @dev The sender an L1 account's deposit has on L2 (OP Stack address aliasing).
    function _l2Alias(address l1Account) private pure returns (address) {
        unchecked {
            return address(uint160(l1Account) + uint160(0x1111000000000000000000000000000000001111));
        }
    }

    /// @dev Reverts while the last epoch can still be disputed: a dispute must find its credits unclaimed.
    function _requireWindowClosed() private view {
        uint256 until = _epochs[lastEpoch].disputableUntil;
        if (block.timestamp < until) revert DisputeWindowOpen(until);
    }

    /// @dev Pulls exactly `amount` of `token` from the caller (no fee-on-transfer or rebasing tokens).
    function _pullToken(address token, uint256 amount) private {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        if (IERC20(token).balanceOf(address(this)) - before != amount) revert UnsupportedToken(token);
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
