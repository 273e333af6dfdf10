package dev.pitstop.sandbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class SharedKafkaIT {

  @Test
  void oneClusterPerJvmWhoseTopicsCanBeCreatedTwice() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    assertThat(SharedKafka.bootstrapServers()).isSameAs(bootstrap);

    String prefix = "shared-" + UUID.randomUUID() + ".";
    SharedKafka.createTopics(4, prefix + "a", prefix + "b");
    SharedKafka.createTopics(4, prefix + "a");
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      assertThat(admin.listTopics().names().get()).containsAll(Set.of(prefix + "a", prefix + "b"));
      assertThat(
              admin
                  .describeTopics(Set.of(prefix + "a"))
                  .allTopicNames()
                  .get()
                  .get(prefix + "a")
                  .partitions())
          .hasSize(4);
    }
  }
}
