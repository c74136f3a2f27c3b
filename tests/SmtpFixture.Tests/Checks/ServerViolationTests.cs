using SmtpFixture.Checks;

namespace SmtpFixture.Tests.Checks;

/// <summary>Violations through a real server and socket: the event, server.Violations across sessions, BDAT content, Describe.</summary>
public sealed class ServerViolationTests
{
    [Fact]
    public async Task EachViolationIsRaisedBeforeTheClientIsAnswered()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var raised = new List<SmtpViolation>();
        server.ViolationRecorded += (_, e) =>
        {
            lock (raised)
            {
                raised.Add(e.Violation);
            }
        };
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();

        // The event is raised on the session before the reply is written: once the reply is read, it has been.
        Assert.StartsWith("250", await client.CommandAsync("EHLO client_example"));

        var violation = Assert.Single(raised);
        Assert.Equal(SmtpRules.HeloSyntax, violation.Rule);
        Assert.Same(violation, Assert.Single(server.Violations));
    }

    [Fact]
    public async Task ServerViolationsHoldEverySessionAndNoQuitOutsideAnyTransaction()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using (var first = await RawSmtpClient.ConnectAsync(server))
        {
            await first.ReadReplyAsync();
            await first.SendAsync("EHLO one.example\n");
            await first.ReadReplyAsync();
            Assert.StartsWith("221", await first.CommandAsync("QUIT"));
            await first.ReadToEndAsync();
        }

        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ViolationRecorded += (_, e) =>
        {
            if (e.Violation.Rule == SmtpRules.NoQuit)
            {
                left.TrySetResult();
            }
        };
        await using (var second = await RawSmtpClient.ConnectAsync(server))
        {
            await second.ReadReplyAsync();
            Assert.StartsWith("250", await second.CommandAsync("EHLO two.example"));
        }

        await left.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([SmtpRules.BareLineEnding, SmtpRules.NoQuit], server.Violations.Select(v => v.Rule));
        Assert.NotEqual(server.Violations[0].SessionId, server.Violations[1].SessionId);
        Assert.Empty(server.Attempts);
        Assert.EndsWith("connection: The client closed the connection without sending QUIT.", server.Describe(), StringComparison.Ordinal);
        server.Reset();
        Assert.Empty(server.Violations);
    }

    [Theory]
    [InlineData("", "Subject: x\r\n\r\nbare\nLF\r\n", SmtpRules.BareLineEnding)]
    [InlineData("", "Subject: x\r\n\r\nGr\u00fc\u00dfe\r\n", SmtpRules.EightBitUndeclared)]
    [InlineData(" BODY=8BITMIME", "Subject: x\r\n\r\nGr\u00fc\u00dfe\r\n", null)]
    [InlineData(" BODY=BINARYMIME", "Subject: x\r\n\r\n\0\r\rbinary\n", null)]
    public async Task BdatContentIsCheckedLikeDataContent(string parameters, string content, string? rule)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            // Only the byte-level rules: the message-layer ones would find the missing Date and From too.
            o.Checks.Apply(SmtpCheckPreset.None);
            o.Checks[SmtpRules.BareLineEnding] = SmtpCheckMode.Record;
            o.Checks[SmtpRules.EightBitUndeclared] = SmtpCheckMode.Record;
        });
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com>" + parameters));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        await smtp.SendAsync(System.Text.Encoding.ASCII.GetBytes($"BDAT {bytes.Length} LAST\r\n").Concat(bytes).ToArray());
        Assert.StartsWith("250", await smtp.ReadReplyAsync());
        Assert.Equal(rule is null ? [] : [rule], Assert.Single(smtp.Store.Messages).Violations.Select(v => v.Rule));
    }

    [Fact]
    public async Task AMessageRuleInRejectModeAnswersBdatLast()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Checks[SmtpRules.MissingFrom] = SmtpCheckMode.Reject);
        await using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        await client.CommandAsync("MAIL FROM:<a@example.com>");
        await client.CommandAsync("RCPT TO:<b@example.com>");
        const string Content = "Subject: no sender\r\n\r\nHello\r\n";
        await client.SendAsync($"BDAT {Content.Length} LAST\r\n{Content}");
        Assert.Equal("550 5.6.0 Message has no From header field", await client.ReadReplyAsync());
        Assert.Empty(server.Messages);
    }
}
