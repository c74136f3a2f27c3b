using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;
using System.Net;

namespace SmtpFixture.Cli;

/// <summary>The command line of <c>smtp-fixture</c>: every option with its help text, parser and validation.</summary>
internal sealed class CliOptions
{
    public CliOptions()
    {
        Host.CustomParser = result => Parse(result, ValueParsers.TryParseHost, "an IP address, 'localhost' or '*'", IPAddress.Loopback);
        Port.CustomParser = result => Parse(result, (string s, out int v) =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v) && v <= IPEndPoint.MaxPort, "a port number from 0 to 65535", 0);
        MaxSize.CustomParser = result => Parse<long?>(result, (string s, out long? v) =>
        {
            var ok = ValueParsers.TryParseSize(s, out var bytes);
            v = bytes;
            return ok;
        }, "a size such as 10MB, 512KiB or 1048576", null);
        SaveDir.Validators.Add(result =>
        {
            var dir = result.GetValueOrDefault<string?>();
            if (dir is not null && File.Exists(dir))
            {
                result.AddError($"--save-dir '{dir}' is a file, not a directory.");
            }
        });

        Root = new RootCommand(
            "smtp-fixture: a standalone SMTP server that accepts mail, answers as its policies say, and prints each " +
            "message and each refusal (as JSON lines with --json). Nothing is relayed anywhere." + Environment.NewLine +
            Environment.NewLine +
            "Examples:" + Environment.NewLine +
            "  smtp-fixture                                   listen on 127.0.0.1:2525" + Environment.NewLine +
            "  smtp-fixture --port 0 --json                   an ephemeral port, reported as {\"event\":\"listening\",...}" + Environment.NewLine +
            "  smtp-fixture --save-dir mail --max-size 10MB   keep each message as mail/<id>.eml" + Environment.NewLine +
            Environment.NewLine +
            "Exit codes: 0 after Ctrl-C or SIGTERM, 1 if it cannot listen, 2 for a bad option.")
        {
            Host, Port, ServerName, MaxSize, SaveDir, Json, Verbose,
        };
    }

    public RootCommand Root { get; }

    public Option<IPAddress> Host { get; } = new("--host")
    {
        Description = "The address to listen on: an IP address, 'localhost', or '*' for every IPv4 interface. " +
            "Anything but loopback lets other machines send to it. Example: --host 127.0.0.1",
        HelpName = "ADDRESS",
        DefaultValueFactory = _ => IPAddress.Loopback,
    };

    public Option<int> Port { get; } = new("--port", "-p")
    {
        Description = "The port to listen on; 0 lets the operating system choose a free one (printed at start). Example: --port 0",
        HelpName = "PORT",
        DefaultValueFactory = _ => 2525,
    };

    public Option<string?> ServerName { get; } = new("--server-name")
    {
        Description = "The name given in the greeting and the EHLO reply. Example: --server-name mx.test",
        HelpName = "NAME",
    };

    public Option<long?> MaxSize { get; } = new("--max-size")
    {
        Description = "The largest message accepted (advertised as SIZE; larger ones get 552 5.3.4): bytes, or a number " +
            "with KiB/MiB/GiB (powers of 1024) or KB/MB/GB (powers of 1000); 0 means no limit. Default 25MiB. Example: --max-size 10MB",
        HelpName = "SIZE",
    };

    public Option<string?> SaveDir { get; } = new("--save-dir")
    {
        Description = "Save each accepted message as an .eml file in this directory (created if missing), before the " +
            "client gets its 250 reply. Example: --save-dir ./mail",
        HelpName = "DIR",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object per line: 'listening' first, then one per accepted 'message' and per " +
            "'refused' command, and 'stopped' at the end. Example: --json",
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Write the SMTP transcript of every session to standard error (AUTH secrets redacted). Example: --verbose",
    };

    private delegate bool TryParse<T>(string text, out T value);

    private static T Parse<T>(ArgumentResult result, TryParse<T> parse, string expected, T fallback)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (parse(text, out var value))
        {
            return value;
        }

        var name = result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
        result.AddError($"{name}: '{text}' is not {expected}.");
        return fallback;
    }
}
