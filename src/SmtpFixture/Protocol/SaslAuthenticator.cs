using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmtpFixture.Protocol;

/// <summary>
/// One AUTH exchange (RFC 4954 §4) as a pure step machine: each client response gives a challenge to send, the
/// credentials to check, or a failure reply. It knows the mechanisms (PLAIN, LOGIN, CRAM-MD5, XOAUTH2), not the
/// session: checking the credentials and consulting the policies stay with the caller.
/// </summary>
internal sealed class SaslAuthenticator
{
    private const string XOAuth2Error = """{"status":"401","schemes":"bearer"}""";
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private readonly string _serverName;
    private readonly TimeProvider _time;
    private string? _userName;
    private string? _challenge;
    private bool _refused;

    /// <param name="mechanism">The mechanism, normalised to upper case.</param>
    /// <param name="command">The AUTH command line, secrets redacted: the exchange is recorded against it.</param>
    /// <param name="serverName">The server's name, part of the CRAM-MD5 challenge.</param>
    /// <param name="time">The clock for the CRAM-MD5 challenge.</param>
    public SaslAuthenticator(string mechanism, string command, string serverName, TimeProvider time)
    {
        Mechanism = mechanism;
        Command = command;
        _serverName = serverName;
        _time = time;
    }

    public string Mechanism { get; }

    public string Command { get; }

    /// <summary>The first step: AUTH's initial response (RFC 4954 §4), or <see langword="null"/> when AUTH came without one.</summary>
    public SaslStep Start(string? initialResponse)
    {
        if (initialResponse is null)
        {
            return Next(null);
        }

        return TryDecode(initialResponse, out var response) ? Next(response) : SaslStep.Fail(Replies.CannotDecode);
    }

    /// <summary>A response line from the client; <see langword="null"/> when the line was longer than allowed.</summary>
    public SaslStep Respond(string? line) =>
        line is null ? SaslStep.Fail(Replies.AuthLineTooLong)
        : line == "*" ? SaslStep.Fail(Replies.Cancelled)
        : !TryDecode(line, out var response) ? SaslStep.Fail(Replies.CannotDecode)
        : _refused ? SaslStep.Fail(Replies.InvalidCredentials) // XOAUTH2 after its error challenge.
        : Next(response);

    /// <summary>
    /// The credentials were not valid: a failure, except for XOAUTH2, which first sends a JSON error challenge as
    /// Gmail does, answered by the client with an empty line, then fails.
    /// </summary>
    public SaslStep Refuse()
    {
        if (Mechanism == SaslMechanisms.XOAuth2)
        {
            _refused = true;
            return SaslStep.Send(XOAuth2Error);
        }

        return SaslStep.Fail(Replies.InvalidCredentials);
    }

    private SaslStep Next(byte[]? response)
    {
        SmtpCredentials? credentials = null;
        switch (Mechanism)
        {
            case SaslMechanisms.Plain:
                // RFC 4616: [authzid] NUL authcid NUL passwd.
                if (response is null)
                {
                    return SaslStep.Send(string.Empty);
                }

                var plain = Encoding.UTF8.GetString(response).Split('\0');
                if (plain.Length == 3 && plain[1].Length > 0)
                {
                    credentials = SmtpCredentials.ForPassword(Mechanism, plain[1], plain[2], plain[0].Length > 0 ? plain[0] : null);
                }

                break;

            case SaslMechanisms.Login:
                // draft-murchison-sasl-login: user name, then password, each asked for; the first may come with AUTH.
                if (_userName is null)
                {
                    if (response is null)
                    {
                        return SaslStep.Send("Username:");
                    }

                    _userName = Encoding.UTF8.GetString(response);
                    return SaslStep.Send("Password:");
                }

                credentials = SmtpCredentials.ForPassword(Mechanism, _userName, Encoding.UTF8.GetString(response!));
                break;

            case SaslMechanisms.CramMd5:
                // RFC 2195: the server sends a unique challenge; the client answers "user hex(HMAC-MD5(password, challenge))".
                if (_challenge is null)
                {
                    _challenge = string.Create(
                        CultureInfo.InvariantCulture,
                        $"<{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}.{_time.GetUtcNow().ToUnixTimeSeconds()}@{_serverName}>");
                    return SaslStep.Send(_challenge);
                }

                var cram = Encoding.UTF8.GetString(response!);
                var space = cram.LastIndexOf(' ');
                if (space > 0 && cram.Length - space - 1 == 32 && !cram.AsSpan(space + 1).ContainsAnyExcept(HexDigits))
                {
                    credentials = SmtpCredentials.ForDigest(Mechanism, cram[..space], _challenge, cram[(space + 1)..]);
                }

                break;

            case SaslMechanisms.XOAuth2:
                // Google's XOAUTH2: "user=" name ^A "auth=Bearer " token ^A ^A.
                if (response is null)
                {
                    return SaslStep.Send(string.Empty);
                }

                credentials = ParseXOAuth2(Mechanism, Encoding.UTF8.GetString(response));
                break;
        }

        return credentials is null ? SaslStep.Fail(Replies.MalformedResponse) : SaslStep.Check(credentials);
    }

    /// <summary>Decodes a base64 response; a lone "=" is an empty initial response (RFC 4954 §4).</summary>
    private static bool TryDecode(string text, out byte[] response)
    {
        text = text.Trim();
        if (text == "=")
        {
            response = [];
            return true;
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            response = buffer[..written];
            return true;
        }

        response = [];
        return false;
    }

    private static SmtpCredentials? ParseXOAuth2(string mechanism, string text)
    {
        string? user = null;
        string? token = null;
        foreach (var field in text.Split('\x01', StringSplitOptions.RemoveEmptyEntries))
        {
            if (field.StartsWith("user=", StringComparison.Ordinal))
            {
                user = field[5..];
            }
            else if (field.StartsWith("auth=", StringComparison.Ordinal))
            {
                var auth = field[5..];
                if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    token = auth[7..].Trim();
                }
            }
        }

        return string.IsNullOrEmpty(user) || string.IsNullOrEmpty(token) ? null : SmtpCredentials.ForToken(mechanism, user, token);
    }
}

/// <summary>What an AUTH exchange does next: send a 334 challenge, check credentials, or end with a failure reply.</summary>
internal readonly record struct SaslStep(string? Challenge, SmtpCredentials? Credentials, SmtpReply? Failure)
{
    /// <summary>A 334 challenge (sent base64-encoded); an empty one asks for the client's first response.</summary>
    public static SaslStep Send(string challenge) => new(challenge, null, null);

    public static SaslStep Check(SmtpCredentials credentials) => new(null, credentials, null);

    public static SaslStep Fail(SmtpReply reply) => new(null, null, reply);
}
