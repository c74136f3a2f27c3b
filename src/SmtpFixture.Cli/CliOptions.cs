using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;
using System.Net;
using SmtpFixture.Policies;

namespace SmtpFixture.Cli;

/// <summary>The command line of <c>smtp-fixture</c>: every option with its help text, parser and validation.</summary>
internal sealed class CliOptions
{
    public CliOptions()
    {
        Host.CustomParser = result => Parse(result, ValueParsers.TryParseHost, "an IP address, 'localhost' or '*'", IPAddress.Loopback);
        Port.CustomParser = result => Parse(result, (string s, out int v) =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v) && v <= IPEndPoint.MaxPort, "a port number from 0 to 65535", 0);
        HttpPort.CustomParser = result => Parse<int?>(result, (string s, out int? v) =>
        {
            var ok = int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort;
            v = port;
            return ok;
        }, "a port number from 0 to 65535", null);
        MaxSize.CustomParser = result => Parse<long?>(result, (string s, out long? v) =>
        {
            var ok = ValueParsers.TryParseSize(s, out var bytes);
            v = bytes;
            return ok;
        }, "a size such as 10MB, 512KiB or 1048576", null);
        Greylist.CustomParser = result => Parse<TimeSpan?>(result, (string s, out TimeSpan? v) =>
        {
            var ok = ValueParsers.TryParseDuration(s, out var delay);
            v = delay;
            return ok;
        }, "a duration such as 30s, 5m or 1h", null);
        RateLimit.CustomParser = result => Parse<(int, TimeSpan)?>(result, (string s, out (int, TimeSpan)? v) =>
        {
            var ok = ValueParsers.TryParseRate(s, out var limit, out var window);
            v = (limit, window);
            return ok;
        }, "a rate such as 10/1m (message attempts per window)", null);
        KnownRecipients.CustomParser = result => Parse<string[]?>(result, (string s, out string[]? v) =>
        {
            v = s.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return v.Length > 0 && v.All(IsKnownRecipientEntry);
        }, "a comma-separated list of addresses and domains", null);
        Tls.CustomParser = result => Parse(result, (string s, out SmtpTlsMode v) =>
        {
            v = s.Trim().ToUpperInvariant() switch
            {
                "STARTTLS" => SmtpTlsMode.StartTls,
                "IMPLICIT" => SmtpTlsMode.Implicit,
                "NONE" => SmtpTlsMode.None,
                _ => (SmtpTlsMode)(-1),
            };
            return Enum.IsDefined(v);
        }, "'starttls', 'implicit' or 'none'", SmtpTlsMode.None);
        Certificate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } path && !File.Exists(path))
            {
                result.AddError($"--cert: no file '{path}'.");
            }
        });
        Users.Validators.Add(result =>
        {
            foreach (var user in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!ValueParsers.TryParseUser(user, out _, out _))
                {
                    result.AddError($"--user: '{user}' is not NAME:PASSWORD.");
                }
            }
        });
        DkimKeys.CustomParser = ParseDkimKeys;
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
            "  smtp-fixture --save-dir mail --max-size 10MB   keep each message as mail/<time>-<id>.eml" + Environment.NewLine +
            "  smtp-fixture --tls starttls --user app:secret --require-auth" + Environment.NewLine +
            "                                                 submission-like: STARTTLS with a generated certificate, AUTH required" + Environment.NewLine +
            "  smtp-fixture --port 0 --http-port 0 --json     also the HTTP API and web inbox, on a free port reported as httpPort" + Environment.NewLine +
            "  smtp-fixture --greylist 1m --known-recipients alice@example.com --rate-limit 10/1m" + Environment.NewLine +
            "                                                 answer like a strict MTA: 450 first, 550 for strangers, 421 when too fast" + Environment.NewLine +
            Environment.NewLine +
            "Exit codes: 0 after Ctrl-C or SIGTERM, 1 if it cannot listen, 2 for a bad option.")
        {
            Host, Port, ServerName, Tls, Certificate, CertificatePassword, Users, RequireAuth, RequireTls, AllowInsecureAuth,
            MaxSize, Greylist, RateLimit, KnownRecipients, DkimKeys, SaveDir, Json, Verbose, HttpPort, HttpToken,
            Checks.Strict, Checks.Check,
        };
        Root.Validators.Add(ValidateCombinations);
    }

    public RootCommand Root { get; }

    /// <summary>--strict and --check, with what the checks print.</summary>
    public CheckOptions Checks { get; } = new();

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

    public Option<SmtpTlsMode> Tls { get; } = new("--tls")
    {
        Description = "Offer TLS: 'starttls' (plain first, upgraded with STARTTLS, like port 587) or 'implicit' (TLS from " +
            "the first byte, like port 465), with a certificate for localhost generated at start unless --cert is given. " +
            "The listening line shows its SHA-1 thumbprint for clients to pin. Example: --tls starttls",
        HelpName = "MODE",
    };

    public Option<string?> Certificate { get; } = new("--cert")
    {
        Description = "The server certificate with its private key, as a PKCS#12 (.pfx/.p12) file; needs --tls. Example: --cert server.pfx",
        HelpName = "PATH",
    };

    public Option<string?> CertificatePassword { get; } = new("--cert-password")
    {
        Description = "The password of the --cert file. Example: --cert-password changeit",
        HelpName = "PASSWORD",
    };

    public Option<string[]> Users { get; } = new("--user")
    {
        Description = "Accept AUTH (PLAIN, LOGIN, CRAM-MD5, XOAUTH2) for this user; repeat for more users. PLAIN, LOGIN and " +
            "XOAUTH2 are offered only over TLS unless --allow-insecure-auth. Example: --user app:secret --user ops:hunter2",
        HelpName = "NAME:PASSWORD",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> RequireAuth { get; } = new("--require-auth")
    {
        Description = "Refuse mail from clients that have not authenticated: 530 5.7.0 at MAIL FROM; needs --user. Example: --require-auth",
    };

    public Option<bool> RequireTls { get; } = new("--require-tls")
    {
        Description = "Refuse MAIL FROM and AUTH outside TLS: 530 5.7.0; needs --tls. Example: --tls starttls --require-tls",
    };

    public Option<bool> AllowInsecureAuth { get; } = new("--allow-insecure-auth")
    {
        Description = "Also offer PLAIN, LOGIN and XOAUTH2 without TLS, so clients can send passwords in clear text. Example: --allow-insecure-auth",
    };

    public Option<long?> MaxSize { get; } = new("--max-size")
    {
        Description = "The largest message accepted (advertised as SIZE; larger ones get 552 5.3.4): bytes, or a number " +
            "with KiB/MiB/GiB (powers of 1024) or KB/MB/GB (powers of 1000); 0 means no limit. Default 25MiB. Example: --max-size 10MB",
        HelpName = "SIZE",
    };

    public Option<TimeSpan?> Greylist { get; } = new("--greylist")
    {
        Description = "Greylist: the first RCPT TO of each (client, sender, recipient) gets 450 4.7.1 until DELAY has " +
            "passed since that first try; retries after that are accepted. DELAY as 30s, 5m, 1h or 00:05:00. Example: --greylist 1m",
        HelpName = "DELAY",
    };

    public Option<(int Limit, TimeSpan Window)?> RateLimit { get; } = new("--rate-limit")
    {
        Description = "Accept at most N message attempts (MAIL FROM commands, delivered or not: greylisted tries count, " +
            "as in Postfix) per WINDOW from each client address; the next gets 421 4.7.0 and the connection is closed. " +
            "Example: --rate-limit 10/1m",
        HelpName = "N/WINDOW",
    };

    public Option<string[]?> KnownRecipients { get; } = new("--known-recipients")
    {
        Description = "Accept only these recipients, comma-separated; '@example.com' or 'example.com' accepts a whole " +
            "domain. Others get 550 5.1.1 User unknown. Example: --known-recipients alice@example.com,@example.org",
        HelpName = "LIST",
        Arity = ArgumentArity.ExactlyOne,
    };

    public Option<Dkim.SmtpDkimKey[]> DkimKeys { get; } = new("--dkim-key")
    {
        Description = "Verify DKIM signatures of SELECTOR._domainkey.DOMAIN with the public key record in FILE (v=DKIM1; " +
            "k=rsa; p=..., or opendkim-genkey's .txt) instead of DNS; each message event gets a 'dkim' field. Repeat for " +
            "more keys. Example: --dkim-key example.com:s1:s1.txt",
        HelpName = "DOMAIN:SELECTOR:FILE",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> SaveDir { get; } = new("--save-dir")
    {
        Description = "Save each accepted message as DIR/<time>-<id>.eml (DIR created if missing) before the client " +
            "gets its 250 reply; the file starts with the envelope as X-Envelope-From and X-Envelope-To headers, so " +
            "Bcc recipients show. Example: --save-dir ./mail",
        HelpName = "DIR",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object per line: 'listening' first, then one per accepted 'message', per " +
            "'refused' command and per 'violation' of a check (see --strict), and 'stopped' at the end. Example: --json",
    };

    public Option<int?> HttpPort { get; } = new("--http-port")
    {
        Description = "Also serve the HTTP API (Mailpit-compatible reads, wait, attempts, policies, script, events) and the " +
            "web inbox on this port, on the same host as SMTP; 0 lets the operating system choose (reported as httpPort). Example: --http-port 8025",
        HelpName = "PORT",
    };

    public Option<string?> HttpToken { get; } = new("--http-token")
    {
        Description = "Require 'Authorization: Bearer TOKEN' on every API request (the web inbox takes ?access_token=TOKEN); " +
            "needed when --host is not loopback, so that captured mail is not readable from the network. Example: --http-token s3cret",
        HelpName = "TOKEN",
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Write the SMTP transcript of every session to standard error (AUTH secrets redacted). Example: --verbose",
    };

    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>Options that only make sense together: reported as parse errors, so they exit with code 2.</summary>
    private void ValidateCombinations(CommandResult result)
    {
        var tls = ValueOf(result, Tls);
        if (ValueOf(result, Certificate) is not null && tls == SmtpTlsMode.None)
        {
            result.AddError("--cert needs --tls starttls or --tls implicit.");
        }

        if (ValueOf(result, CertificatePassword) is not null && ValueOf(result, Certificate) is null)
        {
            result.AddError("--cert-password needs --cert.");
        }

        if (ValueOf(result, RequireTls) && tls == SmtpTlsMode.None)
        {
            result.AddError("--require-tls needs --tls starttls or --tls implicit.");
        }

        if (ValueOf(result, HttpToken) is not null && ValueOf(result, HttpPort) is null)
        {
            result.AddError("--http-token needs --http-port.");
        }

        if (ValueOf(result, HttpPort) is not null && ValueOf(result, HttpToken) is null && ValueOf(result, Host) is { } host && !IPAddress.IsLoopback(host))
        {
            result.AddError($"--http-port on {host}, which other machines can reach, needs --http-token TOKEN: without it anyone on the network could read the captured mail.");
        }

        if (ValueOf(result, RequireAuth) && (ValueOf(result, Users) ?? []).Length == 0)
        {
            result.AddError("--require-auth needs at least one --user NAME:PASSWORD.");
        }
    }

    /// <summary>An option's value, or its default when the value itself is malformed (that error is reported already).</summary>
    private static T? ValueOf<T>(CommandResult result, Option<T> option)
    {
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    private static Dkim.SmtpDkimKey[] ParseDkimKeys(ArgumentResult result)
    {
        var keys = new List<Dkim.SmtpDkimKey>();
        foreach (var token in result.Tokens)
        {
            // Split at the first two colons only: the file path may contain more.
            var parts = token.Value.Split(':', 3);
            if (parts.Length != 3 || parts[2].Length == 0)
            {
                result.AddError($"--dkim-key: '{token.Value}' is not DOMAIN:SELECTOR:PUBLIC-KEY-FILE.");
                continue;
            }

            try
            {
                keys.Add(Dkim.SmtpDkimKey.FromPublicKeyRecord(parts[0], parts[1], File.ReadAllText(parts[2])));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                result.AddError($"--dkim-key '{token.Value}': {e.Message}");
            }
        }

        return keys.ToArray();
    }

    /// <summary>Whether the library takes <paramref name="entry"/> as a known recipient (mailbox or domain).</summary>
    private static bool IsKnownRecipientEntry(string entry)
    {
        try
        {
            SmtpPolicies.KnownRecipients(entry);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

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
