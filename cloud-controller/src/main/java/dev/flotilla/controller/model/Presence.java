package dev.flotilla.controller.model;

/** The last presence a node published (birth on connect, will on loss). */
public enum Presence {
  UNKNOWN,
  ONLINE,
  OFFLINE
}
