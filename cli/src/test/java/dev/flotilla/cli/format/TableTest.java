package dev.flotilla.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void columnsAreAsWideAsTheirWidestCellWithThreeSpacesBetweenAndNoTrailingSpace() {
    String t =
        new Table("NAME", "STATE", "AGE")
            .row("gw-0001", "READY", "5m")
            .row("gw-2", "NOT_READY", "12d")
            .render();
    assertEquals(
        """
        NAME      STATE       AGE
        gw-0001   READY       5m
        gw-2      NOT_READY   12d
        """,
        t);
  }

  @Test
  void anEmptyCellPrintsAsNone() {
    assertEquals("A        B\n<none>   x\n", new Table("A", "B").row("", "x").render());
  }

  @Test
  void aRowWithTheWrongNumberOfCellsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
  }
}
