package io.beambert.instances.distributed;

/** Base of the steps: a name and the stages before and after. */
abstract class NamedStep implements PoolStep {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final PoolData.Stage requires;
  private final PoolData.Stage produces;

  NamedStep(String name, PoolData.Stage requires, PoolData.Stage produces) {
    this.name = name;
    this.requires = requires;
    this.produces = produces;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PoolData.Stage requires() {
    return requires;
  }

  @Override
  public PoolData.Stage produces() {
    return produces;
  }
}
