package dev.flotilla.controller.model;

import java.util.Objects;

/**
 * Input an operator or a node sent that breaks a rule: the API answers it with a 4xx naming the
 * field and the rule, and nothing is stored.
 */
public final class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String rule;

  /**
   * @param field where the fault is, as a path into the input (e.g. {@code
   *     spec.template.ports[0].containerPort}); empty when the input as a whole is at fault
   * @param rule what is wrong and what is expected, as a sentence fragment
   */
  public InvalidInputException(String field, String rule) {
    super(field.isEmpty() ? rule : field + ": " + rule);
    this.field = Objects.requireNonNull(field, "field");
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  public String field() {
    return field;
  }

  public String rule() {
    return rule;
  }
}
