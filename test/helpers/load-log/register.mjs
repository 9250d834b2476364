// `node --import` this file to append the URL of every module Node loads to $LOAD_LOG.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url, { data: { log: process.env.LOAD_LOG } });
