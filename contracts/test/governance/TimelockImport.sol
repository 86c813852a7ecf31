// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// TEST ONLY. Makes OpenZeppelin's TimelockController available to the tests as a contract type.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
