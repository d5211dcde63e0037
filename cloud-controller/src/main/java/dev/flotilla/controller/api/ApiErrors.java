package dev.flotilla.controller.api;

import dev.flotilla.controller.FleetService;
import dev.flotilla.controller.command.Commands.NodeUnreachableException;
import dev.flotilla.controller.model.InvalidInputException;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps the fleet's exceptions to HTTP answers with an {@link ApiError} body. */
final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static MutableHttpResponse<ApiError> status(HttpStatus status, ApiError body) {
    return HttpResponse.<ApiError>status(status).body(body);
  }

  @Produces
  @Singleton
  static final class Invalid
      implements ExceptionHandler<InvalidInputException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, InvalidInputException e) {
      return status(
          HttpStatus.BAD_REQUEST, new ApiError("invalid", e.field(), e.rule(), e.getMessage()));
    }
  }

  @Produces
  @Singleton
  static final class NotFound
      implements ExceptionHandler<FleetService.NotFoundException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, FleetService.NotFoundException e) {
      return status(HttpStatus.NOT_FOUND, ApiError.of("not_found", e.getMessage()));
    }
  }

  @Produces
  @Singleton
  static final class Conflict
      implements ExceptionHandler<FleetService.ConflictException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, FleetService.ConflictException e) {
      return status(HttpStatus.CONFLICT, ApiError.of("conflict", e.getMessage()));
    }
  }

  @Produces
  @Singleton
  static final class TokenRefused
      implements ExceptionHandler<FleetService.TokenRefusedException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(
        HttpRequest request, FleetService.TokenRefusedException e) {
      return status(HttpStatus.UNAUTHORIZED, ApiError.of("unauthorized", e.getMessage()));
    }
  }

  @Produces
  @Singleton
  @Replaces(io.micronaut.http.server.exceptions.ContentLengthExceededHandler.class)
  static final class TooLarge
      implements ExceptionHandler<ContentLengthExceededException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, ContentLengthExceededException e) {
      return status(
          HttpStatus.REQUEST_ENTITY_TOO_LARGE,
          new ApiError(
              "too_large", "", "must be at most the server's max-request-size", e.getMessage()));
    }
  }

  @Produces
  @Singleton
  static final class Internal
      implements ExceptionHandler<IllegalStateException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, IllegalStateException e) {
      LOG.error("api.failed path={} reason={}", request.getPath(), e.toString());
      return status(HttpStatus.INTERNAL_SERVER_ERROR, ApiError.of("internal", e.getMessage()));
    }
  }

  @Produces
  @Singleton
  static final class Unreachable
      implements ExceptionHandler<NodeUnreachableException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, NodeUnreachableException e) {
      return status(HttpStatus.GATEWAY_TIMEOUT, ApiError.of("node_unreachable", e.getMessage()));
    }
  }

  @Produces
  @Singleton
  static final class Failed
      implements ExceptionHandler<CommandApi.CommandFailedException, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, CommandApi.CommandFailedException e) {
      return status(HttpStatus.BAD_GATEWAY, ApiError.of("command_failed", e.getMessage()));
    }
  }
}
