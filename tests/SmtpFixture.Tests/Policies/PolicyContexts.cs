using System.Net;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

/// <summary>Builds policy contexts directly, to test a policy's decision for session states no client can reach yet (TLS, AUTH).</summary>
internal static class PolicyContexts
{
    public static SmtpPolicyContext Create(
        SmtpStage stage,
        string? address,
        TimeProvider? time = null,
        Func<SmtpSessionInfo, SmtpSessionInfo>? session = null,
        string? mailFrom = null,
        IReadOnlyList<string>? recipients = null)
    {
        var info = new SmtpSessionInfo
        {
            SessionId = "T" + Guid.NewGuid().ToString("N"),
            RemoteEndPoint = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000),
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 25),
            ConnectedAt = (time ?? TimeProvider.System).GetUtcNow(),
            ClientName = "client.example",
            IsExtended = true,
        };
        return new SmtpPolicyContext(stage)
        {
            Session = session?.Invoke(info) ?? info,
            Argument = address,
            MailFrom = mailFrom,
            Recipients = recipients ?? [],
            TransactionNumber = 1,
            TimeProvider = time ?? TimeProvider.System,
        };
    }

    public static ValueTask<SmtpVerdict> EvaluateAsync(SmtpPolicy policy, SmtpPolicyContext context) =>
        policy.EvaluateAsync(context, CancellationToken.None);
}
