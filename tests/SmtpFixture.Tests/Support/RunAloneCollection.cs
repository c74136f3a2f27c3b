namespace SmtpFixture.Tests.Support;

/// <summary>
/// Test classes run after the rest of the suite and alone (no parallelization): those that assert a connection's last
/// bytes at disposal or a timeout, and the System.Net.Mail tests, whose SmtpClient closes its socket from another
/// thread after a failed send. With the whole suite running at once, a connection now and then ended without its last
/// reply (the server had written it; seen only with other test classes running, never in 400 parallel copies of one
/// such test alone). The cause is not established (see CHANGELOG: disposal no longer closes a socket another thread is
/// blocked on, which made it rarer, not gone); until it is, these run where that noise cannot reach them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAloneCollection
{
    public const string Name = "Run alone";
}
