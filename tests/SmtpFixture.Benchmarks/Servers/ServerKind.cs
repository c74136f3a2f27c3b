namespace SmtpFixture.Benchmarks.Servers;

/// <summary>The servers compared. The .NET ones run in-process or in a host process; the others only as processes.</summary>
public enum ServerKind
{
    /// <summary>The library in a host process with default runtime settings: what a test process gets.</summary>
    SmtpFixture,

    /// <summary>The shipped tool, <c>smtp-fixture --port 0 --json</c>, with its own runtimeconfig and environment.</summary>
    SmtpFixtureTool,
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

    /// <summary>Ours: the library and the tool, each compared with every peer.</summary>
    public static readonly ServerKind[] Ours = [ServerKind.SmtpFixture, ServerKind.SmtpFixtureTool];

    public static readonly ServerKind[] All = [ServerKind.SmtpFixture, ServerKind.SmtpFixtureTool, ServerKind.SmtpServer, ServerKind.NetDumbster, ServerKind.Aiosmtpd, ServerKind.SmtpSink];

    public static bool IsOurs(this ServerKind kind) => kind is ServerKind.SmtpFixture or ServerKind.SmtpFixtureTool;

    /// <summary>A short name for ratio columns.</summary>
    public static string Short(this ServerKind kind) => kind switch
    {
        ServerKind.SmtpFixture => "library",
        ServerKind.SmtpFixtureTool => "tool",
        _ => kind.Label(),
    };

    public static string Label(this ServerKind kind) => kind switch
    {
        ServerKind.SmtpFixture => "SmtpFixture",
        ServerKind.SmtpFixtureTool => "smtp-fixture tool",
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
        "tool" or "smtp-fixture" => ServerKind.SmtpFixtureTool,
        "smtpserver" => ServerKind.SmtpServer,
        "netdumbster" => ServerKind.NetDumbster,
        "aiosmtpd" => ServerKind.Aiosmtpd,
        "smtp-sink" or "smtpsink" => ServerKind.SmtpSink,
        "smtpfixturenochecks" => ServerKind.SmtpFixtureNoChecks,
        _ => throw new ArgumentException($"Unknown server '{text}'."),
    };
}
