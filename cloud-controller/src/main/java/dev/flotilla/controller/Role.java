package dev.flotilla.controller;

/** What an API token may do. */
public enum Role {
  /** Read and change everything. */
  ADMIN,
  /** Read everything; change nothing. */
  VIEWER
}
