package dev.inference.nemotron.operator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Makes JOSDK's controller metrics acceptable to the Prometheus registry. JOSDK counts received
 * events under one name with an {@code action} tag for resource events and without it for other
 * events; Prometheus requires one set of tag keys per name and rejects the second meter with an
 * exception that would abort event processing. Dropping {@code action} from that meter keeps the
 * count per controller and event type.
 */
@Singleton
public class JosdkMeterFilter {

  static final String EVENTS_RECEIVED = "events.received";

  @Produces
  @Singleton
  MeterFilter uniformEventTags() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().endsWith(EVENTS_RECEIVED)) {
          return id;
        }
        List<Tag> tags = id.getTags().stream().filter(t -> !"action".equals(t.getKey())).toList();
        return id.replaceTags(tags);
      }
    };
  }
}
