using SmtpFixture.Xunit.Tests;

// One server for the whole assembly, shared by test classes that run in parallel (see AssemblyFixtureTests).
[assembly: AssemblyFixture(typeof(AssemblySmtpFixture))]

// Each test class is its own collection and collections run in parallel (the default): the fixtures must keep tests apart.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass)]
