// Each test class is its own collection and collections run in parallel: the fixtures must keep tests apart.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, DisableTestParallelization = false)]
