export { rankNodes, score, winner } from './election';
