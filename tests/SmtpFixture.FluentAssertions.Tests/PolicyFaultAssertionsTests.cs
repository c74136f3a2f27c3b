using FluentAssertions;
using FluentAssertions.Execution;
using SmtpFixture.Policies;

namespace SmtpFixture.FluentAssertions.Tests;

/// <summary>A policy that threw fails the assertions on its server: the client's 451 must not pass for an ordinary refusal.</summary>
public sealed class PolicyFaultAssertionsTests : IAsyncLifetime
{
    private SmtpTestServer server = null!;

    public async Task InitializeAsync() =>
        server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new ThrowOnRecipient("boom@example.com")));

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task AnAssertionThatWouldPassThrowsThePolicyError()
    {
        await Mail.SendRefusedAsync(server, Mail.Create("app@example.com", "boom@example.com", "Lost"));

        var act = () => server.Should().HaveRefused(451);

        act.Should().Throw<SmtpPolicyException>()
            .Which.InnerExceptions.Should().ContainSingle()
            .Which.Message.Should().StartWith("Policy 'ThrowOnRecipient' threw at RcptTo in session ").And.EndWith("(the client was answered 451 4.3.0): policy broke");
    }

    [Fact]
    public async Task TheErrorIsReportedOnceEvenInsideAnAssertionScope()
    {
        await Mail.SendRefusedAsync(server, Mail.Create("app@example.com", "boom@example.com", "Lost"));

        using (new AssertionScope())
        {
            var act = () => server.Should().HaveReceivedNoMessages();
            act.Should().Throw<SmtpPolicyException>();
        }

        server.Should().HaveReceivedNoMessages().And.HaveRefused(451);
    }

    private sealed class ThrowOnRecipient(string address) : SmtpPolicy
    {
        public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
            context.Address == address ? throw new InvalidOperationException("policy broke") : ValueTask.FromResult(SmtpVerdict.Continue);
    }
}
