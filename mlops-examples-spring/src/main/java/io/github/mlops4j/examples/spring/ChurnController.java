package io.github.mlops4j.examples.spring;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.serving.DeadlineExceededException;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.ModelUnavailableException;
import io.github.mlops4j.serving.OverloadedException;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.ServingException;
import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Predicts churn for a customer with the champion model. The request carries the customer id and
 * the tenure; the service adds the customer's {@code spend} from the online feature store ({@code
 * mlops.serving.models.churn.features=customer:spend}, looked up by {@code customer_id}).
 */
@RestController
public class ChurnController {
  private final InferenceService churn;
  private final Monitor monitor;

  /**
   * @param churn the service of {@code mlops.serving.models.churn.*}, made by the starter
   * @param monitor the drift monitor the request's own inputs go to
   */
  public ChurnController(@Qualifier("churn") InferenceService churn, Monitor monitor) {
    this.churn = churn;
    this.monitor = monitor;
  }

  /** The prediction: label, scores, the version that answered and the prediction id. */
  public record ChurnAnswer(
      String customer,
      String output,
      Map<String, Double> scores,
      int version,
      String route,
      String predictionId) {}

  /** {@code GET /churn/{customerId}?tenure=2.5}. */
  @GetMapping("/churn/{customerId}")
  public ChurnAnswer predict(@PathVariable String customerId, @RequestParam double tenure) {
    Prediction p = churn.predict(Map.of("customer_id", customerId, "tenure", tenure));
    monitor.observe(Map.of("tenure", tenure));
    return new ChurnAnswer(customerId, p.output(), p.scores(), p.version(), p.route(), p.id());
  }

  /** The error body: what went wrong, for the caller. */
  public record Problem(int status, String error, String message) {}

  /** Maps the serving exceptions to HTTP statuses. */
  @ExceptionHandler(ServingException.class)
  public ResponseEntity<Problem> failed(ServingException e) {
    HttpStatus status;
    if (e instanceof InvalidInputException) {
      status = HttpStatus.UNPROCESSABLE_ENTITY; // e.g. a customer without features
    } else if (e instanceof OverloadedException) {
      status = HttpStatus.TOO_MANY_REQUESTS;
    } else if (e instanceof DeadlineExceededException) {
      status = HttpStatus.GATEWAY_TIMEOUT;
    } else if (e instanceof ModelUnavailableException) {
      status = HttpStatus.SERVICE_UNAVAILABLE;
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    return ResponseEntity.status(status)
        .body(
            new Problem(status.value(), status.getReasonPhrase(), String.valueOf(e.getMessage())));
  }
}
