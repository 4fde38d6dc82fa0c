import { MailCheckCommand } from "./check.js";
import { MailListCommand } from "./list.js";
import { MailPurgeCommand } from "./purge.js";
import { MailReadCommand } from "./read.js";
import { MailReplyCommand } from "./reply.js";
import { MailSendCommand } from "./send.js";

export const commands = [
  MailSendCommand,
  MailCheckCommand,
  MailListCommand,
  MailReadCommand,
  MailReplyCommand,
  MailPurgeCommand,
];
