package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.Fleet;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Hands the accepted {@link Fleet} from the reconciler to the dependents of one reconciliation, so
 * every dependent builds from the same validated and sized view of the spec.
 */
public final class FleetContext {

  private static final String KEY = Fleet.class.getName();

  private FleetContext() {}

  /** Stores {@code fleet} for the dependents of the current reconciliation. */
  public static void put(Context<NemotronDiffusionDeployment> context, Fleet fleet) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, fleet);
  }

  /** The fleet the reconciler accepted; the workflow runs only after it did. */
  public static Fleet fleet(Context<NemotronDiffusionDeployment> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, Fleet.class);
  }
}
