using Microsoft.VisualStudio.TestTools.UnitTesting;
using NotificationService;
using SmtpFixture;
using SmtpFixture.Policies;

[assembly: Parallelize(Scope = ExecutionScope.MethodLevel)] // each test has its own server on its own port

namespace WithMSTest;

/// <summary>One server for the class, started in ClassInitialize; each test asserts only on its own recipient.</summary>
[TestClass]
public sealed class WelcomeMailTests
{
    private static SmtpTestServer s_server = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartServer(TestContext context) =>
        s_server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("@example.com")), context.CancellationToken);

    [ClassCleanup]
    public static async Task StopServer() => await s_server.DisposeAsync();

    [TestMethod]
    public async Task TheNotificationArrivesWithItsSubjectAndEnvelope()
    {
        var to = $"{Guid.NewGuid():N}@example.com"; // the class shares one server: a recipient of this test's own
        var sender = new NotificationSender(new NotificationSettings { Host = s_server.Host, Port = s_server.Port, Security = TransportSecurity.None });

        await sender.SendAsync(new Notification(to, "Welcome", "Hello"), TestContext.CancellationToken);

        var mail = await s_server.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to), cancellationToken: TestContext.CancellationToken);
        Assert.AreEqual("Welcome", mail.Subject, s_server.Describe());
        Assert.AreEqual("notifications@example.com", mail.Envelope.MailFrom);
    }

    [TestMethod]
    public async Task AnUnknownUserIsAPermanentFailure()
    {
        var sender = new NotificationSender(new NotificationSettings { Host = s_server.Host, Port = s_server.Port, Security = TransportSecurity.None });

        var error = await Assert.ThrowsExactlyAsync<NotificationDeliveryException>(() => sender.SendAsync(new Notification("bob@example.org", "Welcome", "Hello Bob"), TestContext.CancellationToken));

        Assert.AreEqual(550, error.StatusCode);
        Assert.IsTrue(s_server.Attempts.Any(a => a.Refusals.Any(r => r.Command == "RCPT TO:<bob@example.org>" && r.AnsweredBy == "KnownRecipients")), s_server.Describe());
    }
}
