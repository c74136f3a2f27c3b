using SmtpFixture.Policies;
using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Server;

/// <summary>
/// A policy error fails the test that caused it (from the next wait, or ThrowIfFaulted), and disposal never throws,
/// so that inside <c>await using</c> it cannot replace the test's own failure.
/// </summary>
public sealed class FaultReportingTests
{
    [Fact]
    public async Task DisposalDoesNotHideTheTestsOwnFailureBehindAPolicyError()
    {
        SmtpTestServer? stopped = null;
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new ThrowingPolicy()));
            stopped = server;
            await RefuseMailFromAsync(server);
            throw new InvalidOperationException("the test's own assertion failed");
        });

        Assert.Equal("the test's own assertion failed", Assert.IsType<InvalidOperationException>(failure).Message);
        var error = Assert.Throws<SmtpPolicyException>(stopped!.ThrowIfFaulted);
        Assert.Contains("policy broke", Assert.Single(error.InnerExceptions).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThrowIfFaultedReportsEachErrorOnceAndIsQuietWithoutErrors()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new ThrowingPolicy()));
        server.ThrowIfFaulted();
        await RefuseMailFromAsync(server);

        var error = Assert.Throws<SmtpPolicyException>(server.ThrowIfFaulted);

        Assert.Contains("451 4.3.0", Assert.Single(error.InnerExceptions).Message, StringComparison.Ordinal);
        server.ThrowIfFaulted();
    }

    [Fact]
    public async Task AnErrorReportedByAWaitIsNotReportedAgainByThrowIfFaulted()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new ThrowingPolicy()));
        await RefuseMailFromAsync(server);

        await Assert.ThrowsAsync<SmtpPolicyException>(() => server.WaitForMessageAsync(timeout: TimeSpan.FromMinutes(1)));

        server.ThrowIfFaulted();
    }

    [Fact]
    public async Task ResetKeepsErrorsNoTestHasSeen()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new ThrowingPolicy()));
        await RefuseMailFromAsync(server);

        server.Reset();

        Assert.Empty(server.Attempts);
        Assert.Throws<SmtpPolicyException>(server.ThrowIfFaulted);
    }

    [Fact]
    public async Task WhatWasCapturedStaysReadableAfterDisposal()
    {
        var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new ThrowingPolicy()));
        await RefuseMailFromAsync(server);

        await server.DisposeAsync();

        var attempt = Assert.Single(server.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Refused, attempt.Outcome);
        Assert.Contains("451 4.3.0", server.Describe(), StringComparison.Ordinal);
    }

    private static async Task RefuseMailFromAsync(SmtpTestServer server)
    {
        using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        Assert.StartsWith("451 4.3.0", await client.CommandAsync("MAIL FROM:<a@example.com>"));
        await client.CommandAsync("QUIT");
    }

    private sealed class ThrowingPolicy : SmtpPolicy
    {
        public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy broke");
    }
}
