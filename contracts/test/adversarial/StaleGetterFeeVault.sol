// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFeeVault} from "../../interfaces/IFeeVault.sol";

/// @title StaleGetterFeeVault
/// @notice TEST ONLY. The intermediate upstream fee vault design DESIGN.md warns about: the
///         uppercase getters are immutables fixed at construction, while the configuration the
///         vault really uses lives in storage behind the lowercase getters and their setters.
contract StaleGetterFeeVault {
    address public immutable RECIPIENT;
    uint256 public immutable MIN_WITHDRAWAL_AMOUNT;
    IFeeVault.WithdrawalNetwork public immutable WITHDRAWAL_NETWORK;

    address public recipient;
    uint256 public minWithdrawalAmount;
    IFeeVault.WithdrawalNetwork public withdrawalNetwork;
    uint256 public totalProcessed;

    constructor(address recipient_, uint256 minimum, IFeeVault.WithdrawalNetwork network) {
        RECIPIENT = recipient_;
        MIN_WITHDRAWAL_AMOUNT = minimum;
        WITHDRAWAL_NETWORK = network;
        recipient = recipient_;
        minWithdrawalAmount = minimum;
        withdrawalNetwork = network;
    }

    receive() external payable {}

    /// @notice The ProxyAdmin owner's setters (access control left out in this mock).
    function setRecipient(address value) external {
        recipient = value;
    }

    function setMinWithdrawalAmount(uint256 value) external {
        minWithdrawalAmount = value;
    }

    /// @notice Pays the stored recipient, checking the stored minimum.
    function withdraw() external returns (uint256 value) {
        require(address(this).balance >= minWithdrawalAmount, "FeeVault: below minimum");
        value = address(this).balance;
        totalProcessed += value;
        (bool ok,) = recipient.call{value: value}("");
        require(ok, "FeeVault: send failed");
    }
}
