// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

interface IWithdrawable {
    function withdraw() external;
}

/// @title VaultPokingRecipient
/// @notice TEST ONLY. A recipient that, while being paid by a splitter, pushes part of what it
///         received into one of the splitter's fee vaults and withdraws that vault, so a vault
///         pays the splitter in the middle of a disbursement.
contract VaultPokingRecipient {
    address payable public vault;
    uint256 public pokes;

    function arm(address payable vault_) external {
        vault = vault_;
    }

    receive() external payable {
        if (vault == address(0) || msg.value == 0) return;
        pokes += 1;
        (bool ok,) = vault.call{value: msg.value / 2}("");
        require(ok);
        IWithdrawable(vault).withdraw();
    }
}
