namespace SmtpFixture.Benchmarks.Servers;

/// <summary>The servers compared. The .NET ones run in-process or in a host process; the others only as processes.</summary>
public enum ServerKind
{
    SmtpFixture,
    SmtpServer,
    NetDumbster,
    Aiosmtpd,
    SmtpSink,

    /// <summary>SmtpFixture with every client and message check off: what the checks cost, side by side with <see cref="SmtpFixture"/>.</summary>
    SmtpFixtureNoChecks,
}

public static class ServerKinds
{
    public static readonly ServerKind[] DotNet = [ServerKind.SmtpFixture, ServerKind.SmtpServer, ServerKind.NetDumbster];

    public static readonly ServerKind[] All = [ServerKind.SmtpFixture, ServerKind.SmtpServer, ServerKind.NetDumbster, ServerKind.Aiosmtpd, ServerKind.SmtpSink];

    public static string Label(this ServerKind kind) => kind switch
    {
        ServerKind.SmtpFixture => "SmtpFixture",
        ServerKind.SmtpServer => "SmtpServer 11.1.0",
        ServerKind.NetDumbster => "netDumbster 3.1.1",
        ServerKind.Aiosmtpd => "aiosmtpd",
        ServerKind.SmtpSink => "smtp-sink",
        ServerKind.SmtpFixtureNoChecks => "SmtpFixture, checks off",
        _ => kind.ToString(),
    };

    public static ServerKind Parse(string text) => text.ToLowerInvariant() switch
    {
        "smtpfixture" or "fixture" or "ours" => ServerKind.SmtpFixture,
        "smtpserver" => ServerKind.SmtpServer,
        "netdumbster" => ServerKind.NetDumbster,
        "aiosmtpd" => ServerKind.Aiosmtpd,
        "smtp-sink" or "smtpsink" => ServerKind.SmtpSink,
        "smtpfixturenochecks" => ServerKind.SmtpFixtureNoChecks,
        _ => throw new ArgumentException($"Unknown server '{text}'."),
    };
}
