// Compiled with the README's C# blocks (ReadmeSnippetTests), not into this project: `Signup` stands for the user's own
// code under test, which the README names but cannot show. It sends a welcome mail with MailKit and retries a 4xx
// reply after five minutes on the TimeProvider it is given, raising RetryScheduled once it waits, as the README says.
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

public sealed class Signup(string host, int port, TimeProvider? clock = null)
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(5);

    public event EventHandler? RetryScheduled;

    public async Task RegisterAsync(string email)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("app@example.com"));
        message.To.Add(MailboxAddress.Parse(email));
        message.Subject = "Welcome";
        message.Body = new TextPart("plain") { Text = "Welcome aboard." };
        while (true)
        {
            try
            {
                using var client = new SmtpClient();
                await client.ConnectAsync(host, port, SecureSocketOptions.None);
                await client.SendAsync(message);
                await client.DisconnectAsync(true);
                return;
            }
            catch (SmtpCommandException e) when ((int)e.StatusCode is >= 400 and < 500)
            {
                var wait = Task.Delay(RetryDelay, clock ?? TimeProvider.System);
                RetryScheduled?.Invoke(this, EventArgs.Empty);
                await wait;
            }
        }
    }
}
