package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Answers {@code POST /apis/authentication.k8s.io/v1/tokenreviews} and {@code POST
 * /apis/authorization.k8s.io/v1/subjectaccessreviews} from an {@link AccessTable} (fabric8's mock
 * would only store and echo them). 201 with the review and its {@code status}, as the API server
 * answers; 400 for an unreadable body. The reviews are not stored. Who may create reviews is not
 * checked. Store-free and fast: runs on the event loop.
 */
final class Reviews {
  static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
  static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  private final Supplier<AccessTable> table;
  private final AtomicLong tokenReviews = new AtomicLong();
  private final AtomicLong accessReviews = new AtomicLong();

  Reviews(Supplier<AccessTable> table) {
    this.table = table;
  }

  /** The answer when {@code request} is a review this class serves. */
  Optional<MockResponse> answer(RecordedRequest request) {
    if (request.method() != HttpMethod.POST) {
      return Optional.empty();
    }
    String path = request.getPath();
    int q = path.indexOf('?');
    path = q < 0 ? path : path.substring(0, q);
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    try {
      if (path.equals(TOKEN_REVIEWS)) {
        tokenReviews.incrementAndGet();
        return Optional.of(created(tokenReview(request.getUtf8Body())));
      }
      if (path.equals(ACCESS_REVIEWS)) {
        accessReviews.incrementAndGet();
        return Optional.of(created(accessReview(request.getUtf8Body())));
      }
    } catch (RuntimeException e) {
      return Optional.of(
          SandboxDispatcher.status(KubeStatus.badRequest("unreadable review: " + e.getMessage())));
    }
    return Optional.empty();
  }

  /** TokenReview requests received so far (answered or not readable). */
  long tokenReviews() {
    return tokenReviews.get();
  }

  /** SubjectAccessReview requests received so far (answered or not readable). */
  long accessReviews() {
    return accessReviews.get();
  }

  private Object tokenReview(String body) {
    TokenReview review = Serialization.unmarshal(body, TokenReview.class);
    String token = review.getSpec() == null ? null : review.getSpec().getToken();
    TokenReviewStatus status = new TokenReviewStatus();
    Optional<AccessTable.User> user = table.get().authenticate(token);
    if (user.isPresent()) {
      List<String> groups = new ArrayList<>(user.get().groups());
      if (!groups.contains(AccessTable.AUTHENTICATED)) {
        groups.add(AccessTable.AUTHENTICATED);
      }
      status.setAuthenticated(true);
      status.setUser(new UserInfo(null, groups, user.get().uid(), user.get().username()));
      if (review.getSpec().getAudiences() != null) {
        status.setAudiences(review.getSpec().getAudiences());
      }
    } else {
      status.setAuthenticated(false);
      status.setUser(new UserInfo());
      status.setError(token == null || token.isEmpty() ? "token is empty" : "invalid bearer token");
    }
    review.setStatus(status);
    review.setApiVersion("authentication.k8s.io/v1");
    review.setKind("TokenReview");
    return review;
  }

  private Object accessReview(String body) {
    SubjectAccessReview review = Serialization.unmarshal(body, SubjectAccessReview.class);
    SubjectAccessReviewStatus status = new SubjectAccessReviewStatus();
    ResourceAttributes ra =
        review.getSpec() == null ? null : review.getSpec().getResourceAttributes();
    if (ra == null) {
      status.setAllowed(false);
      status.setReason("sandbox: only resourceAttributes are answered");
    } else {
      AccessTable.Decision d =
          table
              .get()
              .authorize(
                  review.getSpec().getUser(),
                  review.getSpec().getGroups(),
                  ra.getVerb(),
                  ra.getResource(),
                  ra.getSubresource(),
                  ra.getNamespace());
      status.setAllowed(d.allowed());
      status.setReason(d.reason());
    }
    review.setStatus(status);
    review.setApiVersion("authorization.k8s.io/v1");
    review.setKind("SubjectAccessReview");
    return review;
  }

  private static MockResponse created(Object body) {
    return new MockResponse()
        .setResponseCode(201)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(body));
  }
}
