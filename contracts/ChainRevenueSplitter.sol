// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IFeeVault} from "./interfaces/IFeeVault.sol";
import {L2Withdrawals} from "./libraries/L2Withdrawals.sol";
import {RevenueShareMath} from "./libraries/RevenueShareMath.sol";

/// @title ChainRevenueSplitter
/// @notice The address one OP Stack chain's fee vaults pay to. `disburse()` withdraws the vaults,
///         counts the L1FeeVault's receipts as the L1 data cost, and splits everything it holds
///         between the Optimism Collective and the chain's treasury under the terms the
///         `ChainRegistry` had in force when the period it settles began (its previous
///         disbursement): a terms change or an exit scheduled in the registry applies to revenue
///         received after it, and the first disbursement after it (allowed at once, whatever the
///         interval) settles the period before it under the old terms. `disburseToken()` does the same for ERC-20 revenue
///         in a token the registry allows (a custom gas token, say), with no L1 cost.
/// @dev Accounting, per asset (`ETH` = address(0), or a token): the contract's balance is always
///      `undisbursed(asset) + totalOwed[asset]`. ETH or tokens that arrive outside a vault
///      withdrawal (plain transfers, forced ETH) are part of `undisbursed` and count as revenue at
///      the next disbursement. A payout that fails (reverts, returns false, runs out of its
///      bounded gas) is credited to its recipient as a claimable balance instead of blocking
///      the other party. ETH for a recipient whose registry destination is an L1 route leaves
///      through the L2StandardBridge or the L2ToL1MessagePasser once its amount (with what is
///      already credited to it) reaches the route's minimum; below that it stays credited.
///      Before withdrawing, every configured vault must pay this splitter on L2.
///      Every state-changing entry point is `nonReentrant` (a transient-storage guard: the chain
///      must support EIP-1153, as every OP Stack chain since Ecotone does).
contract ChainRevenueSplitter is ReentrancyGuardTransient {
    /// @notice The fee vaults this splitter withdraws. A zero address means the chain has no such vault.
    struct FeeVaults {
        address sequencerFeeVault;
        address baseFeeVault;
        address l1FeeVault;
        address operatorFeeVault;
    }

    /// @notice The asset key for native ETH in per-asset mappings and events.
    address public constant ETH = address(0);
    /// @notice Gas forwarded to a recipient (or token) on payout; enough for a Safe's receive hook.
    uint256 public constant PAYOUT_GAS = 100_000;
    /// @notice Gas forwarded to the bridge or message passer for an L1 payout.
    uint256 public constant L1_PAYOUT_GAS = 300_000;
    /// @notice The OP Stack L2StandardBridge predeploy.
    address public constant L2_STANDARD_BRIDGE = L2Withdrawals.L2_STANDARD_BRIDGE;
    /// @notice The OP Stack L2ToL1MessagePasser predeploy.
    address public constant L2_TO_L1_MESSAGE_PASSER = L2Withdrawals.L2_TO_L1_MESSAGE_PASSER;
    /// @notice `WithdrawalNetwork.L2` of the fee vaults.
    uint8 private constant VAULT_PAYS_ON_L2 = 1;

    /// @notice The registry holding this chain's treasury and terms, and the Collective's address.
    IChainRegistry public immutable REGISTRY;
    /// @notice The chain whose revenue this splitter shares.
    uint256 public immutable CHAIN_ID;
    /// @notice Minimum time between two disbursements of the same asset, in seconds (except the
    ///         boundary settlement of a terms change or exit, allowed as soon as it takes effect).
    uint256 public immutable DISBURSEMENT_INTERVAL;
    /// @notice When this splitter was deployed: the start of the period its first disbursement settles.
    uint256 public immutable DEPLOYED_AT;
    /// @notice SequencerFeeVault (priority fees); counted in net revenue.
    address public immutable SEQUENCER_FEE_VAULT;
    /// @notice BaseFeeVault (base fees); counted in net revenue.
    address public immutable BASE_FEE_VAULT;
    /// @notice L1FeeVault (L1 data fees); its receipts are the L1 cost.
    address public immutable L1_FEE_VAULT;
    /// @notice OperatorFeeVault (operator fees); counted in net revenue.
    address public immutable OPERATOR_FEE_VAULT;

    /// @dev What every disbursement reads and writes, in one storage slot.
    Progress private _progress;
    /// @dev Timestamp of each token's last disbursement (ETH's is in `_progress`).
    mapping(address token => uint256 timestamp) private _lastTokenDisbursement;
    /// @dev Set while `disburse` withdraws the vaults: their payments are then counted from the
    ///      balance change instead of being stored by `receive()`.
    bool private transient _withdrawing;
    /// @dev `collectiveShareTotal` of each token (ETH's is in `_progress` and `_ethShareCarry`).
    mapping(address token => uint256 amount) private _tokenCollectiveShareTotal;
    /// @dev `collectiveShareTotal(ETH)` divided by 2^120 (the remainder is in `_progress`).
    uint256 private _ethShareCarry;
    /// @notice Sum of all claimable balances in the asset.
    mapping(address asset => uint256 amount) public totalOwed;
    /// @notice Claimable balance per asset and recipient (failed payouts).
    mapping(address asset => mapping(address recipient => uint256 amount)) public owed;
    /// @notice ETH each configured vault has paid this splitter since the last ETH disbursement
    ///         when someone else triggered the vault's (permissionless) withdrawal. Recorded by
    ///         `receive()`; what `disburse` withdraws itself it counts from its balance instead.
    VaultRevenue public pendingVaultRevenue;

    /// @notice The disbursement counter, the last ETH disbursement, and whether `pendingVaultRevenue`
    ///         holds anything.
    struct Progress {
        uint64 disbursementCount;
        uint64 lastEthDisbursement;
        bool vaultRevenuePending;
        uint120 ethShareLow; // collectiveShareTotal(ETH) modulo 2^120
    }

    /// @notice ETH received from each vault, by role.
    struct VaultRevenue {
        uint256 sequencerFees;
        uint256 baseFees;
        uint256 operatorFees;
        uint256 l1Fees;
    }

    /// @notice One disbursement: what came in, the L1 cost, the terms applied and both shares.
    event Disbursed(
        uint256 indexed chainId,
        address indexed asset,
        uint256 indexed disbursementId,
        uint256 gross,
        uint256 l1Cost,
        uint256 collectiveShare,
        uint256 chainShare,
        uint16 grossBps,
        uint16 netBps,
        bool netRuleApplied
    );
    /// @notice Where one ETH disbursement's gross came from: what each vault paid this splitter
    ///         since the previous ETH disbursement (by `disburse` or by anyone else calling the
    ///         vault's `withdraw()`), and other inflows (plain transfers, forced ETH).
    ///         gross = all five; the L1 cost is `l1Fees`; net = gross - l1Fees.
    event RevenueSources(
        uint256 indexed disbursementId,
        uint256 sequencerFees,
        uint256 baseFees,
        uint256 operatorFees,
        uint256 l1Fees,
        uint256 otherInflows
    );
    /// @notice The disbursement settled the period up to the terms change (or exit) taking effect
    ///         at `changeAt` under the terms in force before it; later revenue follows the new terms.
    event BoundarySettled(uint256 indexed disbursementId, address indexed asset, uint256 changeAt);
    /// @notice `keeper` (the caller) was paid `amount` of the disbursement's revenue before the split
    ///         (the registry's keeper reward); gross revenue = `amount` + the `Disbursed` gross.
    event KeeperRewarded(uint256 indexed disbursementId, address indexed asset, address indexed keeper, uint256 amount);
    /// @notice A payout failed, or waits for its L1 route's minimum, and was credited to `recipient`.
    event PayoutDeferred(address indexed asset, address indexed recipient, uint256 amount);
    /// @notice A claimable balance was paid out to `recipient` (the call was made by `caller`).
    event Claimed(address indexed asset, address indexed recipient, address caller, uint256 amount);
    /// @notice A configured fee vault paid this splitter (counted as that vault's revenue at the
    ///         next disbursement, whoever triggered the withdrawal).
    event VaultRevenueReceived(address indexed vault, uint256 amount);
    /// @notice Governance moved the credit of a former Collective or treasury address to its successor.
    event CreditMoved(address indexed asset, address indexed from, address indexed to, uint256 amount);

    /// @notice A constructor address argument was zero.
    error ZeroAddress();
    /// @notice Two vault roles were given the same address.
    error DuplicateVault(address vault);
    /// @notice A configured vault has a non-zero minimum withdrawal amount: it could not always be
    ///         withdrawn together with the others, so its L1 cost or revenue could land in another
    ///         disbursement than the rest of its period (see `disburse`). Set it to 0.
    error VaultMinimumNotZero(address vault, uint256 minimum);
    /// @notice The chain's claims are held in the registry; only the Collective may claim meanwhile.
    error ClaimsHeld(uint256 chainId);
    /// @notice Only governance (the registry's owner) may do this.
    error NotGovernance(address account);
    /// @notice `account` is not a former Collective or treasury address of this chain.
    error NoSuccessor(address account);
    /// @notice The registry does not know the chain.
    error UnknownChain(uint256 chainId);
    /// @notice The asset's last disbursement was less than `DISBURSEMENT_INTERVAL` ago.
    error DisbursementTooSoon(address asset, uint256 nextAllowedTime);
    /// @notice The chain is deactivated in the registry.
    error ChainInactive(uint256 chainId);
    /// @notice The registry's guardian or owner has paused disbursements.
    error DisbursementsPaused();
    /// @notice The registry does not allow this token as revenue.
    error TokenNotAllowed(address token);
    /// @notice There is no revenue in the asset to disburse (a boundary settlement may have none:
    ///         it then only marks the boundary, with `BoundarySettled` and no `Disbursed`).
    error NothingToDisburse(address asset);
    /// @notice Too little gas left to give a payout its full `PAYOUT_GAS`.
    error InsufficientGas();
    /// @notice `recipient` has no claimable balance in the asset.
    error NothingToClaim(address asset, address recipient);
    /// @notice Paying a claim failed; the balance stays claimable.
    error ClaimFailed(address asset, address recipient);
    /// @notice The token delivered a different amount than was sent (fee-on-transfer or rebasing).
    error UnsupportedToken(address token);
    /// @notice A configured vault does not pay this splitter on L2 (wrong recipient or network, or no vault code).
    error VaultMisconfigured(address vault);
    /// @notice A claim to an L1 destination is below the route's minimum amount.
    error BelowL1Minimum(address recipient, uint256 amount, uint256 minAmount);

    /// @param registry The `ChainRegistry`.
    /// @param chainId The chain this splitter serves (registered in `registry`).
    /// @param vaults The chain's fee vaults.
    /// @param disbursementInterval Minimum seconds between disbursements of one asset.
    constructor(IChainRegistry registry, uint256 chainId, FeeVaults memory vaults, uint256 disbursementInterval) {
        if (address(registry) == address(0)) revert ZeroAddress();
        if (!registry.isRegistered(chainId)) revert UnknownChain(chainId);
        address[4] memory configured =
            [vaults.sequencerFeeVault, vaults.baseFeeVault, vaults.l1FeeVault, vaults.operatorFeeVault];
        for (uint256 i; i < 4; ++i) {
            for (uint256 j = i + 1; j < 4; ++j) {
                if (configured[i] != address(0) && configured[i] == configured[j]) revert DuplicateVault(configured[i]);
            }
        }
        REGISTRY = registry;
        CHAIN_ID = chainId;
        DISBURSEMENT_INTERVAL = disbursementInterval;
        DEPLOYED_AT = block.timestamp;
        SEQUENCER_FEE_VAULT = vaults.sequencerFeeVault;
        BASE_FEE_VAULT = vaults.baseFeeVault;
        L1_FEE_VAULT = vaults.l1FeeVault;
        OPERATOR_FEE_VAULT = vaults.operatorFeeVault;
    }

    /// @notice Accepts ETH from anyone; never reverts. ETH from a configured vault is recorded as
    ///         that vault's revenue (so it is classified by where it came from, whoever triggered
    ///         the withdrawal); everything is counted at the next disbursement.
    /// @dev The fee vaults pay with a plain call carrying all remaining gas, so recording costs
    ///      them nothing that can fail; other senders pay only the address comparisons. While
    ///      `disburse` withdraws (a transient flag), the payment is only emitted: `disburse`
    ///      counts it from its balance change.
    receive() external payable {
        address sender = msg.sender;
        if (sender == SEQUENCER_FEE_VAULT) {
            if (_recordVaultPayment(sender)) pendingVaultRevenue.sequencerFees += msg.value;
        } else if (sender == BASE_FEE_VAULT) {
            if (_recordVaultPayment(sender)) pendingVaultRevenue.baseFees += msg.value;
        } else if (sender == L1_FEE_VAULT) {
            if (_recordVaultPayment(sender)) pendingVaultRevenue.l1Fees += msg.value;
        } else if (sender == OPERATOR_FEE_VAULT) {
            if (_recordVaultPayment(sender)) pendingVaultRevenue.operatorFees += msg.value;
        }
    }

    /// @notice Withdraw the fee vaults and split all undisbursed ETH between the Collective and the chain.
    /// @dev Callable by anyone, at most once per `DISBURSEMENT_INTERVAL` (and at once when a terms
    ///      change or exit took effect since the last one), unless paused or the chain is inactive.
    ///      The caller gets the registry's keeper reward, if any, before the split. Every configured vault must pay this splitter on L2 with a minimum withdrawal
    ///      amount of 0 (`VaultMinimumNotZero`, as OP's own FeeSplitter requires): every vault
    ///      holding fees is withdrawn, so the L1 cost and the revenue of one period are always split
    ///      together, and nobody can hold a disbursement back by leaving a vault just below a
    ///      minimum. The L1 cost is everything the L1FeeVault paid since the last disbursement,
    ///      whoever withdrew it.
    /// @return collectiveShare Amount assigned to the Collective.
    /// @return chainShare Amount assigned to the chain's treasury.
    function disburse() external nonReentrant returns (uint256 collectiveShare, uint256 chainShare) {
        (IChainRegistry.DisbursementContext memory context, uint256 id, bool othersWithdrew) =
            _startDisbursement(ETH);
        bool withdrawSequencer = _checkVault(SEQUENCER_FEE_VAULT);
        bool withdrawBase = _checkVault(BASE_FEE_VAULT);
        bool withdrawOperator = _checkVault(OPERATOR_FEE_VAULT);
        bool withdrawL1 = _checkVault(L1_FEE_VAULT);

        // What the vaults paid since the last disbursement when others withdrew them...
        VaultRevenue memory fromVaults = VaultRevenue(0, 0, 0, 0);
        if (othersWithdrew) {
            fromVaults = pendingVaultRevenue;
            delete pendingVaultRevenue;
        }
        // ... and what they pay now, measured by the balance (a vault sends only to this splitter).
        _withdrawing = true;
        if (withdrawSequencer) fromVaults.sequencerFees += _withdraw(SEQUENCER_FEE_VAULT);
        if (withdrawBase) fromVaults.baseFees += _withdraw(BASE_FEE_VAULT);
        if (withdrawOperator) fromVaults.operatorFees += _withdraw(OPERATOR_FEE_VAULT);
        if (withdrawL1) fromVaults.l1Fees += _withdraw(L1_FEE_VAULT);
        _withdrawing = false;

        uint256 gross = address(this).balance - totalOwed[ETH];
        // Vault receipts are held until disbursed, so they never exceed gross.
        uint256 other = gross - fromVaults.sequencerFees - fromVaults.baseFees - fromVaults.operatorFees
            - fromVaults.l1Fees;
        if (gross != 0) {
            emit RevenueSources(
                id, fromVaults.sequencerFees, fromVaults.baseFees, fromVaults.operatorFees, fromVaults.l1Fees, other
            );
        }
        return _split(ETH, id, context, gross, fromVaults.l1Fees);
    }

    /// @notice Split the undisbursed balance of an allowed ERC-20 between the Collective and the chain.
    /// @dev Same rule, interval (per token) and guarantees as `disburse()`; token revenue has no L1 cost.
    /// @param token A token the registry allows.
    /// @return collectiveShare Amount assigned to the Collective.
    /// @return chainShare Amount assigned to the chain's treasury.
    function disburseToken(address token)
        external
        nonReentrant
        returns (uint256 collectiveShare, uint256 chainShare)
    {
        if (token == ETH || !REGISTRY.isTokenAllowed(token)) revert TokenNotAllowed(token);
        (IChainRegistry.DisbursementContext memory context, uint256 id,) = _startDisbursement(token);
        uint256 gross = IERC20(token).balanceOf(address(this)) - totalOwed[token];
        return _split(token, id, context, gross, 0);
    }

    /// @notice Pay `recipient` its claimable balance in `asset`. Anyone may call; funds go only to
    ///         `recipient`. Works while disbursements are paused.
    /// @param asset `ETH` (address(0)) or a token.
    /// @param recipient The account credited by a failed payout.
    /// @return amount The amount paid.
    function claim(address asset, address recipient) external nonReentrant returns (uint256 amount) {
        amount = owed[asset][recipient];
        if (amount == 0) revert NothingToClaim(asset, recipient);
        if (REGISTRY.claimsHeld(CHAIN_ID) && recipient != REGISTRY.collective()) revert ClaimsHeld(CHAIN_ID);
        IChainRegistry.Destination memory destination =
            asset == ETH ? REGISTRY.destinationOf(recipient) : _onL2();
        if (destination.route != IChainRegistry.Route.L2 && amount < destination.minAmount) {
            revert BelowL1Minimum(recipient, amount, destination.minAmount);
        }
        owed[asset][recipient] = 0;
        totalOwed[asset] -= amount;
        emit Claimed(asset, recipient, msg.sender, amount);
        if (destination.route != IChainRegistry.Route.L2) {
            emit L2Withdrawals.L1WithdrawalInitiated(
                recipient, destination.l1Recipient, amount, destination.route, destination.l1GasLimit
            );
            if (!L2Withdrawals.initiate(destination, amount, gasleft())) {
                revert ClaimFailed(asset, recipient);
            }
        } else {
            uint256 paid = _send(asset, recipient, amount, gasleft());
            if (paid == 0) revert ClaimFailed(asset, recipient);
            // A token that delivered only part (the recipient sent some back): the rest stays credited.
            if (paid < amount) _credit(asset, recipient, amount - paid);
        }
    }

    /// @notice Move the credit of a former Collective address to the current Collective, or of a
    ///         former treasury of this chain to its current treasury (for instance when the old
    ///         address can no longer receive a token). Governance only; to the successor and no one else.
    /// @param asset `ETH` (address(0)) or a token.
    /// @param from A former Collective or treasury address (with or without a credit).
    /// @return to The successor credited.
    /// @return amount The amount moved (0 when there was none).
    function moveCredit(address asset, address from) external nonReentrant returns (address to, uint256 amount) {
        if (msg.sender != REGISTRY.owner()) revert NotGovernance(msg.sender);
        address collective = REGISTRY.collective();
        address treasury = REGISTRY.getChain(CHAIN_ID).treasury;
        // A current holder of either role keeps its credit, whatever it was before.
        if (from == collective || from == treasury) revert NoSuccessor(from);
        if (REGISTRY.wasCollective(from)) {
            to = collective;
        } else if (REGISTRY.wasTreasury(CHAIN_ID, from)) {
            to = treasury;
        } else {
            revert NoSuccessor(from);
        }
        amount = owed[asset][from];
        // Nothing to move is not an error, so a treasury-change proposal can always include it.
        if (amount == 0) return (to, 0);
        owed[asset][from] = 0;
        owed[asset][to] += amount;
        emit CreditMoved(asset, from, to, amount);
    }

    /// @notice The split an ETH disbursement now would make of `gross` with `l1Cost`: the keeper
    ///         reward first, then the terms that disbursement applies.
    /// @param gross Gross revenue.
    /// @param l1Cost L1 data cost (may exceed gross).
    /// @return collectiveShare The Collective's share.
    /// @return chainShare The chain's share.
    /// @return keeperReward The caller's reward.
    function previewSplit(uint256 gross, uint256 l1Cost)
        external
        view
        returns (uint256 collectiveShare, uint256 chainShare, uint256 keeperReward)
    {
        IChainRegistry.Settlement memory terms =
            REGISTRY.settlementTerms(CHAIN_ID, _periodStart(ETH, _progress.lastEthDisbursement));
        keeperReward = _keeperReward(ETH, terms, gross);
        (collectiveShare, chainShare,) =
            RevenueShareMath.split(gross - keeperReward, l1Cost, terms.grossBps, terms.netBps);
    }

    /// @notice What the next disbursement of `asset` will share (everything held except credits).
    /// @param asset `ETH` (address(0)) or a token.
    function undisbursed(address asset) external view returns (uint256) {
        uint256 held = asset == ETH ? address(this).balance : IERC20(asset).balanceOf(address(this));
        return held - totalOwed[asset];
    }

    /// @notice Earliest timestamp at which `asset` may be disbursed again: one interval after the
    ///         last disbursement, or when the next terms change or exit takes effect if sooner.
    /// @param asset `ETH` (address(0)) or a token.
    function nextDisbursementTime(address asset) external view returns (uint256) {
        uint256 last = lastDisbursementTime(asset);
        if (last == 0) return 0;
        uint256 changeAt = REGISTRY.settlementTerms(CHAIN_ID, last).nextChangeAt;
        uint256 regular = last + DISBURSEMENT_INTERVAL;
        return changeAt < regular ? changeAt : regular;
    }

    /// @notice Everything assigned to the Collective in the asset since deployment (paid, or
    ///         credited to the Collective's address when a payout could not be made): the
    ///         on-chain record grant escrows measure a chain's contribution by.
    /// @param asset `ETH` (address(0)) or a token.
    function collectiveShareTotal(address asset) external view returns (uint256) {
        if (asset != ETH) return _tokenCollectiveShareTotal[asset];
        return _ethShareCarry * 2 ** 120 + _progress.ethShareLow;
    }

    /// @notice Number of disbursements so far, all assets together; the id of the next one.
    function disbursementCount() external view returns (uint256) {
        return _progress.disbursementCount;
    }

    /// @notice Timestamp of the asset's last disbursement (0 before the first).
    /// @param asset `ETH` (address(0)) or a token.
    function lastDisbursementTime(address asset) public view returns (uint256) {
        return asset == ETH ? _progress.lastEthDisbursement : _lastTokenDisbursement[asset];
    }

    // ------------------------------------------------------------------ internals

    /// @dev Checks that a disbursement may happen now and records it before any external call.
    ///      The terms are those in force when the settled period began; when a change took effect
    ///      since, this is the boundary settlement, allowed whatever the interval.
    ///      Returns whether `pendingVaultRevenue` holds anything (always false for a token).
    function _startDisbursement(address asset)
        private
        returns (IChainRegistry.DisbursementContext memory context, uint256 id, bool othersWithdrew)
    {
        Progress memory progress = _progress;
        uint256 last = asset == ETH ? progress.lastEthDisbursement : _lastTokenDisbursement[asset];
        context = REGISTRY.disbursementContext(CHAIN_ID, _periodStart(asset, last));
        IChainRegistry.Settlement memory terms = context.terms;
        // A chain that has left is beyond governance's pause and deactivation.
        if (!terms.exited && context.paused) revert DisbursementsPaused();
        bool boundary = terms.nextChangeAt <= block.timestamp;
        if (!boundary && last != 0 && block.timestamp < last + DISBURSEMENT_INTERVAL) {
            revert DisbursementTooSoon(asset, last + DISBURSEMENT_INTERVAL);
        }
        if (!terms.active && !terms.exited) revert ChainInactive(CHAIN_ID);
        id = progress.disbursementCount++;
        if (asset == ETH) {
            progress.lastEthDisbursement = uint64(block.timestamp);
            othersWithdrew = progress.vaultRevenuePending;
            progress.vaultRevenuePending = false;
        } else {
            _lastTokenDisbursement[asset] = block.timestamp;
        }
        _progress = progress;
        if (boundary) emit BoundarySettled(id, asset, terms.nextChangeAt);
    }

    /// @dev The start of the period the asset's next disbursement settles: its last disbursement;
    ///      before the first, the deployment for ETH (the vaults pay from then on), and now for a
    ///      token (when its revenue arrived is unknown: it is settled under the terms in force).
    function _periodStart(address asset, uint256 last) private view returns (uint256) {
        if (last != 0) return last;
        return asset == ETH ? DEPLOYED_AT : block.timestamp;
    }

    /// @dev The keeper reward of an ETH disbursement of `gross`: the registry's rate, at most its
    ///      cap (in wei: tokens have no keeper reward, a cap in wei means nothing in their units).
    function _keeperReward(address asset, IChainRegistry.Settlement memory terms, uint256 gross)
        private
        pure
        returns (uint256 reward)
    {
        if (asset != ETH || terms.keeperRewardBps == 0) return 0;
        reward = RevenueShareMath.applyBps(gross, terms.keeperRewardBps);
        if (reward > terms.keeperRewardCap) reward = terms.keeperRewardCap;
    }

    /// @dev Pays the keeper reward out of `gross`, then splits the rest: `Disbursed.gross` is what
    ///      was split, so the shares add up to it.
    function _split(
        address asset,
        uint256 id,
        IChainRegistry.DisbursementContext memory context,
        uint256 gross,
        uint256 l1Cost
    ) private returns (uint256 collectiveShare, uint256 chainShare) {
        IChainRegistry.Settlement memory terms = context.terms;
        if (gross == 0) {
            // A boundary settlement of an empty period only marks the boundary.
            if (terms.nextChangeAt > block.timestamp) revert NothingToDisburse(asset);
            return (0, 0);
        }
        gross -= _rewardKeeper(asset, id, terms, gross);
        bool netRuleApplied;
        (collectiveShare, chainShare, netRuleApplied) =
            RevenueShareMath.split(gross, l1Cost, terms.grossBps, terms.netBps);
        _addCollectiveShare(asset, collectiveShare);
        emit Disbursed(
            CHAIN_ID, asset, id, gross, l1Cost, collectiveShare, chainShare, terms.grossBps, terms.netBps, netRuleApplied
        );
        bool onL2 = asset != ETH; // tokens are always paid on L2
        _pay(asset, context.collective, collectiveShare, onL2 ? _onL2() : context.collectiveDestination);
        // While the chain's claims are held (a treasury change waiting in the timelock, say), its
        // share is credited to the treasury instead of sent (not once the chain has left).
        if (chainShare != 0 && !terms.exited && context.claimsHeld) {
            _credit(asset, terms.treasury, chainShare);
        }
        else _pay(asset, terms.treasury, chainShare, onL2 ? _onL2() : context.treasuryDestination);
    }

    /// @dev Pays the caller the keeper reward of a disbursement of `gross` and returns it. Always
    ///      a plain transfer on L2 with bounded gas (credited if it fails), never the caller's
    ///      registry route: an L1 route would also send the caller's credited balance, which a
    ///      treasury whose claims are held could otherwise get out by disbursing.
    function _rewardKeeper(address asset, uint256 id, IChainRegistry.Settlement memory terms, uint256 gross)
        private
        returns (uint256 reward)
    {
        reward = _keeperReward(asset, terms, gross);
        if (reward == 0) return 0;
        emit KeeperRewarded(id, asset, msg.sender, reward);
        if (gasleft() < (PAYOUT_GAS * 64) / 63 + 40_000) revert InsufficientGas();
        uint256 paid = _send(asset, msg.sender, reward, PAYOUT_GAS);
        if (paid < reward) _credit(asset, msg.sender, reward - paid);
    }

    /// @dev Refuses a configured vault that would not pay this splitter on L2, or whose minimum
    ///      withdrawal amount is not 0 (checked before any withdrawal, so nothing moves when one is
    ///      wrong). Returns whether the vault has anything to withdraw.
    function _checkVault(address vault) private view returns (bool withdrawNow) {
        if (vault == address(0)) return false;
        (bool okRecipient, uint256 recipient) =
            _vaultSetting(vault, IFeeVault.recipient.selector, IFeeVault.RECIPIENT.selector);
        (bool okNetwork, uint256 network) =
            _vaultSetting(vault, IFeeVault.withdrawalNetwork.selector, IFeeVault.WITHDRAWAL_NETWORK.selector);
        (bool okMinimum, uint256 minimum) =
            _vaultSetting(vault, IFeeVault.minWithdrawalAmount.selector, IFeeVault.MIN_WITHDRAWAL_AMOUNT.selector);
        if (
            !okRecipient || !okNetwork || !okMinimum || recipient != uint256(uint160(address(this)))
                || network != VAULT_PAYS_ON_L2
        ) revert VaultMisconfigured(vault);
        if (minimum != 0) revert VaultMinimumNotZero(vault, minimum);
        return vault.balance != 0;
    }

    /// @dev One vault setting: from the lowercase getter where the vault has it (1.5.0+, where it
    ///      reads the stored value that `set*` changes), else from the uppercase one (older vaults).
    function _vaultSetting(address vault, bytes4 current, bytes4 legacy) private view returns (bool ok, uint256 value) {
        (ok, value) = _readWord(vault, current);
        if (!ok) (ok, value) = _readWord(vault, legacy);
    }

    /// @dev Static call of a getter without arguments that must return exactly one word.
    function _readWord(address target, bytes4 selector) private view returns (bool ok, uint256 value) {
        assembly ("memory-safe") {
            mstore(0, selector)
            ok := staticcall(gas(), target, 0, 4, 0, 0x20)
            ok := and(ok, eq(returndatasize(), 0x20))
            value := mload(0)
        }
    }

    /// @dev Adds to `collectiveShareTotal`. For ETH the low 120 bits share the slot every
    ///      disbursement writes anyway; what overflows them is carried into `_ethShareCarry`, so
    ///      the total keeps full uint256 precision.
    function _addCollectiveShare(address asset, uint256 amount) private {
        if (asset != ETH) {
            _tokenCollectiveShareTotal[asset] += amount;
            return;
        }
        uint256 low = uint256(_progress.ethShareLow) + amount;
        _progress.ethShareLow = uint120(low);
        if (low >> 120 != 0) _ethShareCarry += low >> 120;
    }

    /// @dev Emits a vault's payment; returns whether `receive()` must store it (then marked pending):
    ///      not while `disburse` withdraws, which counts it from its balance change.
    function _recordVaultPayment(address vault) private returns (bool store) {
        emit VaultRevenueReceived(vault, msg.value);
        if (_withdrawing) return false;
        _progress.vaultRevenuePending = true;
        return true;
    }

    /// @dev Withdraws one vault and returns what it paid this splitter.
    function _withdraw(address vault) private returns (uint256 received) {
        uint256 before = address(this).balance;
        IFeeVault(vault).withdraw();
        return address(this).balance - before;
    }

    /// @dev Pays with bounded gas; a failure becomes a claimable credit, never a revert. ETH for an
    ///      L1 destination goes through `_payL1`.
    function _pay(address asset, address recipient, uint256 amount, IChainRegistry.Destination memory destination)
        private
    {
        if (amount == 0) return;
        uint256 gasForPayout = destination.route == IChainRegistry.Route.L2 ? PAYOUT_GAS : L1_PAYOUT_GAS;
        // Keep enough gas that the payout gets its full allowance (EIP-150 keeps 1/64 back);
        // otherwise a caller could starve payouts on purpose to force them into credits.
        if (gasleft() < (gasForPayout * 64) / 63 + 40_000) revert InsufficientGas();
        if (destination.route != IChainRegistry.Route.L2) {
            _payL1(recipient, amount, destination);
        } else {
            uint256 paid = _send(asset, recipient, amount, PAYOUT_GAS);
            if (paid < amount) _credit(asset, recipient, amount - paid);
        }
    }

    /// @dev Sends `amount` plus the recipient's credited ETH to L1 once together they reach the
    ///      route's minimum; otherwise, or if the bridge call fails, `amount` is credited.
    function _payL1(address recipient, uint256 amount, IChainRegistry.Destination memory destination) private {
        uint256 credited = owed[ETH][recipient];
        uint256 total = amount + credited;
        if (total < destination.minAmount) {
            _credit(ETH, recipient, amount);
            return;
        }
        if (credited != 0) {
            owed[ETH][recipient] = 0;
            totalOwed[ETH] -= credited;
        }
        if (L2Withdrawals.initiate(destination, total, L1_PAYOUT_GAS)) {
            if (credited != 0) emit Claimed(ETH, recipient, msg.sender, credited);
            emit L2Withdrawals.L1WithdrawalInitiated(
                recipient, destination.l1Recipient, total, destination.route, destination.l1GasLimit
            );
        } else {
            // Nothing left for L1: the earlier credit is restored and the new amount joins it.
            if (credited != 0) {
                owed[ETH][recipient] = credited;
                totalOwed[ETH] += credited;
            }
            _credit(ETH, recipient, amount);
        }
    }

    /// @dev A plain payment on L2 (every token payment; ETH to a recipient without an L1 route).
    function _onL2() private pure returns (IChainRegistry.Destination memory) {
        return IChainRegistry.Destination(IChainRegistry.Route.L2, address(0), 0, 0);
    }

    function _credit(address asset, address recipient, uint256 amount) private {
        owed[asset][recipient] += amount;
        totalOwed[asset] += amount;
        emit PayoutDeferred(asset, recipient, amount);
    }

    /// @dev Sends ETH or tokens with at most `gasLimit` gas and returns what left this splitter:
    ///      `amount` or 0 for ETH; for a token, what its balance here fell by (less than `amount`
    ///      when the transfer failed, moved nothing, or the recipient sent some back). Copies at most
    ///      32 bytes of return data, so a recipient or token returning huge data cannot make the
    ///      call expensive.
    function _send(address asset, address to, uint256 amount, uint256 gasLimit) private returns (uint256 paid) {
        bool success;
        if (asset == ETH) {
            assembly ("memory-safe") {
                success := call(gasLimit, to, amount, 0, 0, 0, 0)
            }
            return success ? amount : 0;
        }
        uint256 heldBefore = IERC20(asset).balanceOf(address(this));
        bytes memory data = abi.encodeCall(IERC20.transfer, (to, amount));
        uint256 returnSize;
        uint256 returnValue;
        assembly ("memory-safe") {
            success := call(gasLimit, asset, 0, add(data, 0x20), mload(data), 0, 0x20)
            returnSize := returndatasize()
            returnValue := mload(0)
        }
        // Tokens that return nothing (USDT-style) succeed when the call does; others must return true.
        success = success && (returnSize == 0 ? asset.code.length > 0 : (returnSize >= 32 && returnValue == 1));
        // Count what left this splitter, never what the recipient holds afterwards: a recipient
        // called back by the token (ERC-777 / ERC-1363 style) may move its tokens on, or send
        // some back here, without blocking anyone. Only the token itself can take more than
        // `amount` (a fee charged to the sender), or move tokens while reporting failure.
        uint256 heldAfter = IERC20(asset).balanceOf(address(this));
        paid = heldBefore > heldAfter ? heldBefore - heldAfter : 0;
        if (success ? paid > amount : paid != 0) revert UnsupportedToken(asset);
    }
}
