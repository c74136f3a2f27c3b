using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace SmtpFixture.Tests.Auth;

public sealed class AuthLoggingTests
{
    private const string User = "alice";
    private const string Password = "Pa55-w0rd-never-logged";

    [Fact]
    public async Task ADebugLogOfPlainAndLoginExchangesContainsNoSecret()
    {
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        void Configure(SmtpTestServerOptions o)
        {
            o.LoggerFactory = loggerFactory;
            o.AllowInsecureAuthentication = true;
            o.Users[User] = Password;
        }

        await using (var smtp = await InMemorySmtp.StartAsync(Configure))
        {
            await smtp.CommandAsync("EHLO client.example");
            Assert.StartsWith("235", await smtp.CommandAsync("AUTH PLAIN " + B64("\0" + User + "\0" + Password)));
        }

        await using (var smtp = await InMemorySmtp.StartAsync(Configure))
        {
            await smtp.CommandAsync("EHLO client.example");
            await smtp.CommandAsync("AUTH LOGIN");
            await smtp.CommandAsync(B64(User));
            Assert.StartsWith("235", await smtp.CommandAsync(B64(Password)));
        }

        await using (var smtp = await InMemorySmtp.StartAsync(Configure))
        {
            await smtp.CommandAsync("EHLO client.example");
            await smtp.CommandAsync("AUTH PLAIN");
            Assert.StartsWith("535", await smtp.CommandAsync(B64("\0" + User + "\0" + Password + "x")));
        }

        var records = collector.GetSnapshot();
        var text = string.Join("\n", records.Select(r => r.Message + " " + string.Join(" ", r.StructuredState?.Select(kv => kv.Value) ?? [])));

        // The transcript is there (so the test would see a leak), with the secrets replaced.
        Assert.Contains("AUTH PLAIN ***", text, StringComparison.Ordinal);
        Assert.Contains("C: ***", text, StringComparison.Ordinal);
        Assert.Contains(records, r => r.Level == LogLevel.Debug);
        foreach (var secret in new[]
                 {
                     Password,
                     B64(Password),
                     B64("\0" + User + "\0" + Password),
                     B64("\0" + User + "\0" + Password + "x"),
                     B64(User),
                 })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
