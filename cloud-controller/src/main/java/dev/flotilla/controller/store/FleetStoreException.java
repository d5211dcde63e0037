package dev.flotilla.controller.store;

/** The store failed (I/O, a locked or corrupt database); nothing of the call was written. */
public final class FleetStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FleetStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
