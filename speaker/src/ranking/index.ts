export { rankNodes, score, winner } from './ranking';
