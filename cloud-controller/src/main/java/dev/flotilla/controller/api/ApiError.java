package dev.flotilla.controller.api;

/**
 * The body of every 4xx and 5xx answer.
 *
 * @param error a stable code: {@code invalid}, {@code unauthorized}, {@code forbidden}, {@code
 *     not_found}, {@code conflict}, {@code too_large}, {@code internal}; for remote commands also
 *     {@code command_failed} (the node answered ERROR) and {@code node_unreachable} (it did not
 *     answer in time)
 * @param field the input field at fault (a path such as {@code spec.template.image}); empty when
 *     none
 * @param rule what the field must be; empty when there is no field
 * @param message one sentence for a person
 */
public record ApiError(String error, String field, String rule, String message) {
  static ApiError of(String error, String message) {
    return new ApiError(error, "", "", message);
  }
}
