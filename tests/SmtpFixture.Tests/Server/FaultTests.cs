using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MimeKit;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Server;

/// <summary>Clients that vanish, disposal under load, and policies or callbacks that throw.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task AClientThatDisconnectsMidDataLeavesNothingCapturedAndAnAbortedAttempt()
    {
        var ended = new SessionEndSignal();
        await using var server = await SmtpTestServer.StartAsync(o => o.LoggerFactory = ended);
        using (var client = await RawSmtpClient.ConnectAsync(server))
        {
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO client.example");
            await client.CommandAsync("MAIL FROM:<a@example.com>");
            await client.CommandAsync("RCPT TO:<b@example.com>");
            Assert.StartsWith("354", await client.CommandAsync("DATA"));

            // Everything but the final CRLF of the terminator: the message is not complete.
            await client.SendAsync("Subject: cut\r\n\r\nhalf a message\r\n.");
            client.ShutdownSend();
            await ended.WhenEndedAsync(1);
        }

        Assert.Empty(server.Messages);
        Assert.Equal(SmtpAttemptOutcome.Aborted, Assert.Single(server.Attempts).Outcome);
    }

    [Fact]
    public async Task AClientThatResetsTheConnectionMidBdatLeavesNothingCapturedAndAnAbortedAttempt()
    {
        var ended = new SessionEndSignal();
        await using var server = await SmtpTestServer.StartAsync(o => o.LoggerFactory = ended);
        var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        await client.CommandAsync("MAIL FROM:<a@example.com>");
        await client.CommandAsync("RCPT TO:<b@example.com>");
        await client.SendAsync("BDAT 5\r\nfirst");
        Assert.StartsWith("250 ", await client.ReadReplyAsync());
        await client.SendAsync("BDAT 100000 LAST\r\nonly a little of the last chunk");
        client.Abort();
        await ended.WhenEndedAsync(1);

        Assert.Empty(server.Messages);
        Assert.Equal(SmtpAttemptOutcome.Aborted, Assert.Single(server.Attempts).Outcome);
    }

    [Fact]
    public async Task DisposalDuringHeavyTrafficEndsWithoutUnobservedExceptionsOrLeakedSockets()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            var server = await SmtpTestServer.StartAsync();
            var port = server.Port;
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 16).Select(i => SendUntilStoppedAsync(server, i, stop.Token)).ToArray();

            // Traffic is flowing when disposal starts: sessions are mid-command, mid-DATA and mid-reply.
            await server.WaitForMessagesAsync(50, TimeSpan.FromSeconds(60));
            await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));

            // Every message answered 250 is in the store (a stored message may have lost its reply to the shutdown).
            var answered = clients.Sum(c => c.Result);
            Assert.True(server.Messages.Count >= answered, $"{answered} answered 250, {server.Messages.Count} stored");

            // No socket of the server survived it: nothing listens or is connected on its port, and the port can be bound again.
            Assert.Empty(ServerSocketsOn(port));
            using var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            rebind.Bind(new IPEndPoint(IPAddress.Loopback, port));
            rebind.Listen();

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var ours = unobserved.Where(e => e.ToString().Contains("SmtpFixture.", StringComparison.Ordinal)).ToArray();
            Assert.True(ours.Length == 0, string.Join(Environment.NewLine, ours.Select(e => e.ToString())));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    [Fact]
    public async Task APolicyThatThrowsGets451TheServerKeepsServingAndTheTestSeesTheException()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new ThrowOnRecipient("boom@example.com")));
        using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        await client.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("451 4.3.0 Local error in processing (policy failure)", await client.CommandAsync("RCPT TO:<boom@example.com>"));
        Assert.StartsWith("250 ", await client.CommandAsync("RCPT TO:<fine@example.com>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        Assert.StartsWith("250 ", await client.CommandAsync("Subject: after\r\n\r\nstill here\r\n."));

        var error = await Assert.ThrowsAsync<SmtpPolicyException>(() => server.WaitForMessageAsync());
        Assert.Contains("policy failure in a test", Assert.Single(error.InnerExceptions).Message, StringComparison.Ordinal);
        Assert.Equal(["fine@example.com"], (await server.WaitForMessageAsync()).Envelope.Recipients);
    }

    [Fact]
    public async Task AWaitPredicateThatThrowsFailsTheWaitButNotTheSession()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var wait = server.WaitForMessageAsync(_ => throw new InvalidOperationException("predicate bug"));
        using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        await client.CommandAsync("MAIL FROM:<a@example.com>");
        await client.CommandAsync("RCPT TO:<b@example.com>");
        await client.CommandAsync("DATA");
        Assert.StartsWith("250 ", await client.CommandAsync("Subject: x\r\n\r\nbody\r\n."));
        Assert.StartsWith("250 ", await client.CommandAsync("NOOP"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => wait);
        Assert.Single(server.Messages);
    }

    [Fact]
    public async Task ACapturedMessageThatIsNotMimeDoesNotBreakTheFailureDescription()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        var garbage = new byte[300];
        new Random(9).NextBytes(garbage);
        await smtp.SendAsync("BDAT 300 LAST\r\n");
        await smtp.SendAsync(garbage);
        Assert.StartsWith("250 ", await smtp.ReadReplyAsync());

        var description = smtp.Store.Describe();
        Assert.Contains(Assert.Single(smtp.Store.Messages).Id, description, StringComparison.Ordinal);
        Assert.Contains("not a MIME message", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFailureDescriptionListsATransactionUnderWayAsInProgressNotAsRefused()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");

        var description = smtp.Store.Describe();
        Assert.DoesNotContain("refused or aborted", description, StringComparison.Ordinal);
        Assert.Contains("1 attempt is in progress:", description, StringComparison.Ordinal);
        Assert.Contains("InProgress attempt", description, StringComparison.Ordinal);
    }

    /// <summary>Server-side TCP sockets (local port = the server's) that are listening or still connected.</summary>
    private static List<string> ServerSocketsOn(int port)
    {
        var found = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1];
                var localPort = int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                // 01 ESTABLISHED, 08 CLOSE_WAIT (peer closed, we did not), 0A LISTEN: an open file descriptor behind them.
                if (localPort == port && fields[3] is "01" or "08" or "0A")
                {
                    found.Add(line.Trim());
                }
            }
        }

        return found;
    }

    private static async Task<int> SendUntilStoppedAsync(SmtpTestServer server, int clientNumber, CancellationToken stop)
    {
        var accepted = 0;
        try
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(server.Host, server.Port, MailKit.Security.SecureSocketOptions.None, stop);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse($"c{clientNumber}@example.com"));
                message.To.Add(MailboxAddress.Parse("load@example.com"));
                message.Subject = $"load {clientNumber}/{n}";
                message.Body = new TextPart("plain") { Text = new string('x', (n % 7) * 5000) };
                await client.SendAsync(message, stop);
                accepted++;
            }
        }
        catch (Exception)
        {
            // The server went away mid-conversation: expected here.
        }

        return accepted;
    }

    private sealed class ThrowOnRecipient(string recipient) : SmtpPolicy
    {
        public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
            context.Address == recipient ? throw new InvalidOperationException("policy failure in a test") : new(SmtpVerdict.Continue);
    }
}
