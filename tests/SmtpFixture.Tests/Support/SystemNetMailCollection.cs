namespace SmtpFixture.Tests.Support;

/// <summary>
/// The System.Net.Mail tests, run after the rest and alone. <c>System.Net.Mail.SmtpClient</c> closes its socket from
/// another thread when a send fails, while its own I/O may still be on it; a close under a blocking call races inside
/// .NET's socket close and can cut another connection of the process whose descriptor reused the number. In the full
/// suite that was seen as a DisposalTests client ending without its 421 now and then (never with these tests left out).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SystemNetMailCollection
{
    public const string Name = "System.Net.Mail";
}
